using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TopicEngine.Corpus;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine.Model;

/// <summary>What one fit needs: a counted corpus with its vocabulary, the settings, a backend factory and where to write.</summary>
/// <param name="Corpus">The counted corpus (term ids index <paramref name="Vocabulary"/>).</param>
/// <param name="Vocabulary">The corpus's vocabulary.</param>
/// <param name="Analyzer">The analyzer settings the corpus was counted with (null for pre-counted input).</param>
/// <param name="Options">Trainer settings.</param>
/// <param name="BackendFactory">Builds a backend for K topics.</param>
/// <param name="OutputDirectory">The model directory to write.</param>
/// <param name="TopTerms">Terms per topic in topics.parquet (null: all).</param>
/// <param name="ResumeDirectory">A checkpoint (model directory) of this same fit to continue from (<see cref="FitCheckpoint"/>).</param>
/// <param name="TrainingCorpus">Where <paramref name="Corpus"/> came from, recorded in model.json (null: not recorded).</param>
internal sealed record FitRequest(
    IBatchSource Corpus,
    Vocabulary Vocabulary,
    AnalyzerSettings? Analyzer,
    TrainingOptions Options,
    Func<int, ILdaBackend> BackendFactory,
    string OutputDirectory,
    int? TopTerms = ModelSaveOptions.DefaultTopTerms,
    string? ResumeDirectory = null,
    TrainingCorpusRecord? TrainingCorpus = null);

/// <summary>What a fit produced.</summary>
internal sealed record FitOutcome(TrainingResult Result, ModelSnapshot Snapshot, TimeSpan TrainingTime, TimeSpan TotalTime);

/// <summary>
/// The fit flow of DESIGN.md end to end, shared by the CLI and the public API:
/// train (<see cref="SviTrainer"/>) → final local step for every document → model directory
/// (<see cref="ModelDirectory.SaveAsync"/>, written whole or not at all).
/// </summary>
internal static class FitJob
{
    public static async Task<FitOutcome> RunAsync(FitRequest request, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        if (request.Corpus.VocabularySize != request.Vocabulary.Count)
            throw new ArgumentException("The corpus and the vocabulary disagree on V.", nameof(request));
        var trainer = new SviTrainer(request.Options);
        var resume = request.ResumeDirectory is { } from
            ? FitCheckpoint.ResumeState(await FitCheckpoint.LoadAsync(from, cancellationToken), request, from) : null;
        var checkpoints = request.Options.CheckpointEvery > 0 ? new CheckpointWriter(request.OutputDirectory, request.Options,
            state => FitCheckpoint.Snapshot(request, state, TrainingData.TrainingDocuments(request.Corpus.DocumentCount, request.Options))) : null;
        using var backend = request.BackendFactory(request.Options.Topics);
        // Warm-start γ (TrainingOptions.WarmStart): a resumable fit keeps it in DIR/.work-warm-start of the checkpoint's
        // folder, where --resume finds it after a kill; any other fit in a work folder of the output, removed at the end.
        bool resumable = checkpoints is not null || request.ResumeDirectory is not null;
        using var gammaFolder = !request.Options.WarmStart ? null
            : resumable ? WorkFolder.OpenNamed(request.ResumeDirectory ?? request.OutputDirectory, "warm-start")
            : WorkFolder.Create(request.OutputDirectory, "warm-start");
        var hooks = new TrainingHooks
        {
            Progress = progress,
            Checkpoint = checkpoints is null ? null : checkpoints.Write,
            HeldOutEvaluation = new HeldOutEvaluation(trainer.LocalOptions),
            ResumeFrom = resume,
            WarmStartFolder = gammaFolder?.Path,
            SettleCheckpoints = checkpoints is null ? null : () => checkpoints.FlushAsync().GetAwaiter().GetResult(),
        };
        TrainingResult result;
        try
        {
            result = await Task.Run(() => trainer.Fit(backend, request.Corpus, hooks, cancellationToken), cancellationToken);
        }
        catch when (resumable)
        {
            gammaFolder?.Keep();   // a failed or cancelled fit can be resumed from its last checkpoint: keep γ for it
            throw;
        }
        finally
        {
            if (checkpoints is not null) await checkpoints.SettleAsync();   // the last checkpoint is complete before we return or fail
        }
        if (checkpoints is not null) await checkpoints.FlushAsync();
        var trainingTime = total.Elapsed;
        var snapshot = Snapshot(request, result);
        await ModelDirectory.SaveAsync(request.OutputDirectory, snapshot, new ModelSaveOptions(request.TopTerms),
            async (writer, ct) =>
            {
                // the backend still holds the fitted λ: the final θ pass needs no upload
                var runner = new LocalStepRunner(backend, trainer.LocalOptions);
                await writer.WriteThetaPassAsync(runner, request.Corpus.ReadBatches(ThetaPass.DefaultBatchSize), result.Alpha, ct);
            }, cancellationToken);
        return new FitOutcome(result, snapshot, trainingTime, total.Elapsed);
    }

    private static ModelSnapshot Snapshot(FitRequest request, TrainingResult result)
    {
        var analyzer = ModelJson.AnalyzerNode(request.Analyzer);
        var history = new[] { new ModelUpdate("fit", DateTimeOffset.UtcNow, result.TrainingDocuments, 0, result.State.Step) };
        return ModelSnapshot.FromTraining(result.State, request.Options, request.Vocabulary, result.Backend,
            result.TrainingDocuments, analyzer, history) with { TrainingCorpus = request.TrainingCorpus?.ToJson() };
    }
}
