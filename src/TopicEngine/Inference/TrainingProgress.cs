namespace TopicEngine.Inference;

/// <summary>
/// What the trainer reports after every global step (and after each pass's held-out evaluation).
/// </summary>
/// <param name="Pass">Pass in progress, counted from 1.</param>
/// <param name="Step">Global steps (λ updates) done so far, t.</param>
/// <param name="BatchInPass">Mini-batches done in this pass.</param>
/// <param name="BatchesPerPass">Mini-batches in a pass.</param>
/// <param name="DocumentsSeen">Training documents processed so far, all passes together.</param>
/// <param name="TokensPerSecond">Training tokens per second since the fit (or resume) started.</param>
/// <param name="DocumentsPerSecond">Training documents per second since the fit (or resume) started.</param>
/// <param name="Rho">ρ of the last global step.</param>
/// <param name="ElboPerWord">Per-word ELBO (natural log) when this step was logged, else null.</param>
/// <param name="Perplexity">exp(−ELBO per word) when this step was logged, else null.</param>
/// <param name="HeldOutPerplexity">Document-completion perplexity on the held-out documents, after a pass ends; else null.</param>
/// <param name="EstimatedRemaining">Time left until the planned passes end (the current pass under <c>--passes auto</c>).</param>
public sealed record TrainingProgress(
    int Pass,
    long Step,
    int BatchInPass,
    int BatchesPerPass,
    long DocumentsSeen,
    double TokensPerSecond,
    double DocumentsPerSecond,
    double Rho,
    double? ElboPerWord,
    double? Perplexity,
    double? HeldOutPerplexity,
    TimeSpan? EstimatedRemaining)
{
    /// <summary>Starved topics revived at the end of this pass (<see cref="TrainingOptions.ReviveTopics"/>); 0 in every
    /// other report.</summary>
    public int RevivedTopics { get; init; }
}

/// <summary>One row of <c>training_log.parquet</c>: a logged global step.</summary>
/// <param name="Step">Global step t after this update (1-based).</param>
/// <param name="DocumentsSeen">Training documents processed so far.</param>
/// <param name="Rho">ρ used by this update (1 in batch mode).</param>
/// <param name="ElboPerWord">ELBO per word (natural log) of λ before this update, estimated from the mini-batch
/// (document part × D/|B| plus the β part, divided by the batch's tokens × D/|B|).</param>
/// <param name="Perplexity">exp(−<paramref name="ElboPerWord"/>).</param>
/// <param name="Seconds">Training seconds so far.</param>
/// <param name="Backend">Backend name ("cpu", "cuda", ...).</param>
public sealed record TrainingLogRow(long Step, long DocumentsSeen, double Rho, double ElboPerWord, double Perplexity, double Seconds, string Backend);

/// <summary>Held-out document-completion perplexity at the end of a pass.</summary>
/// <param name="Pass">Pass counted from 1.</param>
/// <param name="Step">Global steps done.</param>
/// <param name="Perplexity">exp(−Σ log p(w) / N) over the held-out halves.</param>
/// <param name="LogLikelihoodPerWord">Σ log p(w) / N (natural log).</param>
public sealed record HeldOutLogRow(int Pass, long Step, double Perplexity, double LogLikelihoodPerWord);
