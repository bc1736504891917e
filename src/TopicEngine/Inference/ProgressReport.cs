namespace TopicEngine.Inference;

/// <summary>
/// Reports <see cref="TrainingProgress"/> after every global step (and every batch in batch mode) and after every pass
/// (with the held-out perplexity), with speeds since this run started and the time left until the planned passes end.
/// </summary>
internal sealed class ProgressReport(IProgress<TrainingProgress> progress) : ITrainingObserver
{
    private double _lastRho = 1;

    public void OnLocalStep(TrainingRun run, in LocalStepOutput output)
    {
        // a batch pass takes no step until its end: report the batches gathered so far (batch mode has one batch per pass)
        if (run.Options.Mode == TrainingMode.Batch) Report(run, run.CompletedPasses + 1, run.BatchesDoneInPass, 1, null, null);
        else if (run.InBatchPass) Report(run, run.CompletedPasses + 1, output.Index + 1, 1, null, null);
    }

    public void AfterStep(TrainingRun run, in GlobalStepInfo step)
    {
        _lastRho = step.Rho;
        Report(run, run.CompletedPasses + 1, run.BatchesDoneInPass, step.Rho, run.StepElboPerWord, null);
    }

    public void AfterPass(TrainingRun run)
    {
        double? heldOut = run.HeldOutLog.Count > 0 && run.HeldOutLog[^1].Pass == run.CompletedPasses ? run.HeldOutLog[^1].Perplexity : null;
        Report(run, run.CompletedPasses, run.BatchesPerPass, _lastRho, null, heldOut, run.RevivedTopics);
    }

    private void Report(TrainingRun run, int pass, int batchInPass, double rho, double? elboPerWord, double? heldOutPerplexity, int revivedTopics = 0)
    {
        double seconds = Math.Max(run.SecondsThisRun, 1e-9);
        progress.Report(new TrainingProgress(pass, run.Step, batchInPass, run.BatchesPerPass, run.DocumentsSeen,
            run.TokensThisRun / seconds, run.DocumentsThisRun / seconds, rho, elboPerWord,
            elboPerWord is { } e ? Math.Exp(-e) : null, heldOutPerplexity, Remaining(run)) { RevivedTopics = revivedTopics });
    }

    private static TimeSpan? Remaining(TrainingRun run)
    {
        if (run.DocumentsThisRun == 0) return null;
        double perDocument = run.SecondsThisRun / run.DocumentsThisRun;
        int passesLeft = (run.Options.Passes ?? run.CompletedPasses + 1) - run.CompletedPasses - 1;
        double documentsLeft = (double)Math.Max(0, passesLeft) * run.TrainingDocuments + (run.Options.Mode == TrainingMode.Online
            ? Math.Max(0, run.TrainingDocuments - (double)run.BatchesDoneInPass * run.BatchSize) : 0);
        return TimeSpan.FromSeconds(Math.Max(0, documentsLeft * perDocument));
    }
}
