namespace TopicEngine.Inference;

/// <summary>
/// <c>--passes auto</c>: stops after a pass whose held-out per-word log-likelihood improved on the previous pass's by
/// less than <see cref="TrainingOptions.AutoPassesThreshold"/> (relative). Reads the row the held-out evaluation
/// appended for this pass; without one it does nothing.
/// </summary>
internal sealed class AutoPasses : ITrainingObserver
{
    public void AfterPass(TrainingRun run)
    {
        var log = run.HeldOutLog;
        if (run.Options.Passes is not null || log.Count < 2 || log[^1].Pass != run.CompletedPasses) return;
        double previous = log[^2].LogLikelihoodPerWord, current = log[^1].LogLikelihoodPerWord;
        run.Converged = (current - previous) / Math.Abs(previous) < run.Options.AutoPassesThreshold;
    }
}
