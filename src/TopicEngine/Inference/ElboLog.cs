namespace TopicEngine.Inference;

/// <summary>
/// Logs the per-word ELBO (training_log.parquet) at the last step of every pass and every <see cref="TrainingOptions.EvalEvery"/>
/// steps online (every pass's single step in batch mode), estimated from the mini-batch (Hoffman et al. 2010, eq. 3):
/// <code>ELBO/word = (document bound · D/|B| + β part) / (tokens · D/|B|)</code>
/// with the β part computed by the backend (<see cref="ILdaBackend.TopicWordBound"/>) from λ before the global step.
/// </summary>
internal sealed class ElboLog : ITrainingObserver
{
    public bool WantsBound(TrainingRun run, bool lastOfPass) =>
        run.Options.Mode == TrainingMode.Batch || lastOfPass || (run.Options.EvalEvery > 0 && (run.Step + 1) % run.Options.EvalEvery == 0);

    public void BeforeGlobalStep(TrainingRun run, in GlobalStepInfo step)
    {
        run.StepElboPerWord = null;
        if (double.IsNaN(step.DocumentBound) || step.Tokens == 0) return;
        double betaPart = run.Backend.TopicWordBound(run.Eta);
        double perWord = (step.DocumentBound * step.Scale + betaPart) / (step.Tokens * step.Scale);
        run.Log.Add(new TrainingLogRow(run.Step + 1, run.DocumentsSeen, step.Rho, perWord, Math.Exp(-perWord), run.Seconds, run.Backend.Name));
        run.StepElboPerWord = perWord;
    }
}
