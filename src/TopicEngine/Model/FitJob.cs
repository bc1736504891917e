using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TopicEngine.Corpus;
using TopicEngine.Inference;
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
internal sealed record FitRequest(
    IBatchSource Corpus,
    Vocabulary Vocabulary,
    AnalyzerSettings? Analyzer,
    TrainingOptions Options,
    Func<int, ILdaBackend> BackendFactory,
    string OutputDirectory,
    int? TopTerms = ModelSaveOptions.DefaultTopTerms);

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
        var trainer = new SviTrainer(request.Options, request.BackendFactory);
        var result = await Task.Run(() => trainer.Fit(request.Corpus, progress, cancellationToken), cancellationToken);
        var trainingTime = total.Elapsed;
        var snapshot = Snapshot(request, result);
        await ModelDirectory.SaveAsync(request.OutputDirectory, snapshot, new ModelSaveOptions(request.TopTerms),
            async (writer, ct) =>
            {
                foreach (var batch in trainer.InferDocumentTopics(result, request.Corpus))
                {
                    ct.ThrowIfCancellationRequested();
                    await writer.WriteAsync(batch.Keys, batch.Gamma, batch.TokenCounts, ct);
                }
            }, cancellationToken);
        return new FitOutcome(result, snapshot, trainingTime, total.Elapsed);
    }

    private static ModelSnapshot Snapshot(FitRequest request, TrainingResult result)
    {
        var o = request.Options;
        var now = DateTimeOffset.UtcNow;
        return new ModelSnapshot
        {
            Lambda = result.Lambda,
            Alpha = result.Alpha,
            Eta = result.Eta,
            Vocabulary = request.Vocabulary,
            Tau0 = o.Tau0,
            Kappa = o.Kappa,
            BatchSize = o.BatchSize,
            Seed = o.Seed,
            Steps = result.State.Step,
            DocumentsSeen = result.State.DocumentsSeen,
            CorpusDocuments = result.TrainingDocuments,
            Analyzer = request.Analyzer is null ? null : JsonSerializer.SerializeToNode(request.Analyzer)!.AsObject(),
            Backend = result.Backend,
            Created = now,
            Updated = now,
            Updates = [new ModelUpdate("fit", now, result.TrainingDocuments, 0, result.State.Step)],
            TrainingLog = result.State.Log,
        };
    }
}
