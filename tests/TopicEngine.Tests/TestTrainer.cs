using TopicEngine.Corpus;
using TopicEngine.Evaluation;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>
/// A fit as the model layer wires it (<see cref="SviTrainer"/> with the held-out evaluation on the training backend),
/// on a fresh backend per call: what the trainer tests drive.
/// </summary>
internal sealed class TestTrainer(TrainingOptions options, Func<int, ILdaBackend> backendFactory)
{
    public SviTrainer Trainer { get; } = new(options);

    public TrainingResult Fit(IBatchSource corpus, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default,
        TrainerState? resumeFrom = null, Action<TrainerState>? checkpoint = null, string? warmStartFolder = null)
    {
        using var backend = backendFactory(options.Topics);
        return Trainer.Fit(backend, corpus, new TrainingHooks
        {
            Progress = progress,
            Checkpoint = checkpoint,
            HeldOutEvaluation = new HeldOutEvaluation(Trainer.LocalOptions),
            ResumeFrom = resumeFrom,
            WarmStartFolder = warmStartFolder,
        }, cancellationToken);
    }

    /// <summary>γ of every document (held-out ones too unless <paramref name="trainingOnly"/>) against the result's λ.</summary>
    public IEnumerable<DocumentTopicsBatch> InferDocumentTopics(TrainingResult result, IBatchSource corpus, bool trainingOnly = false)
    {
        using var backend = backendFactory(options.Topics);
        backend.SetLambda(result.Lambda, corpus.VocabularySize);
        var batches = trainingOnly
            ? TrainingData.TrainingBatches(corpus, TrainingData.ChooseHeldOut(corpus.DocumentCount, options.HoldoutFraction, options.MaxHoldoutDocuments, options.Seed), ThetaPass.DefaultBatchSize, null)
            : corpus.ReadBatches(ThetaPass.DefaultBatchSize);
        foreach (var batch in ThetaPass.Run(new LocalStepRunner(backend, Trainer.LocalOptions), batches, result.Alpha))
            yield return batch;
    }
}
