using TopicEngine.Inference;

namespace TopicEngine.Evaluation;

/// <summary>
/// The training loop's held-out score: after every pass, document-completion perplexity of the held-out documents
/// (<see cref="DocumentCompletion.ScoreOnBackend"/>) on the TRAINING backend, against its current expElogβ and E[β]:
/// no second model, and λ stays on the device. Appends one <see cref="HeldOutLogRow"/> per pass, which
/// <c>--passes auto</c> (<see cref="AutoPasses"/>) and the progress report read.
/// </summary>
/// <param name="options">The fit's local-step settings; the score takes them with the plain step (ω = 1,
/// <see cref="LocalStepOptions.Plain"/>), as <c>evaluate</c> does, so that the two perplexities agree.</param>
internal sealed class HeldOutEvaluation(LocalStepOptions options) : ITrainingObserver
{
    public void AfterPass(TrainingRun run)
    {
        if (run.HeldOut.DocumentCount == 0) return;
        var result = DocumentCompletion.ScoreOnBackend(new LocalStepRunner(run.Backend, options with { Relaxation = 1f }), run.HeldOut, run.Alpha, run.BatchSize);
        run.HeldOutLog.Add(new HeldOutLogRow(run.CompletedPasses, run.Step, result.Perplexity, result.LogLikelihoodPerWord));
    }
}
