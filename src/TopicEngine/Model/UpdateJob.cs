using System.Diagnostics;
using System.Text.Json;
using TopicEngine.Corpus;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine.Model;

/// <summary>What one <c>update</c> needs.</summary>
/// <param name="ModelDirectory">The saved model to continue.</param>
/// <param name="Sources">The new documents.</param>
/// <param name="Options">Passes, batch size, threads, seed (held-out choice), hold-out fraction, logging and local-step
/// settings. K, κ, τ0, α and η are the model's: the values given here are replaced.</param>
/// <param name="BackendFactory">Builds a backend for K topics.</param>
/// <param name="OutputDirectory">Where to write the updated model; null replaces <paramref name="ModelDirectory"/>
/// (atomically: the old model stays valid until the new one is complete).</param>
/// <param name="GrowVocabulary">Null keeps the vocabulary; otherwise new terms that pass these settings in the new data are added.</param>
/// <param name="TopTerms">Terms per topic in topics.parquet (null: all).</param>
internal sealed record UpdateRequest(
    string ModelDirectory,
    IReadOnlyList<CorpusSource> Sources,
    TrainingOptions Options,
    Func<int, ILdaBackend> BackendFactory,
    string? OutputDirectory = null,
    PruningSettings? GrowVocabulary = null,
    int? TopTerms = ModelSaveOptions.DefaultTopTerms);

/// <summary>What an update did.</summary>
/// <param name="Result">The trainer's result over the new documents (its state continues the model's t, log and documents seen).</param>
/// <param name="Snapshot">The model written.</param>
/// <param name="NewDocuments">New documents read (held-out ones included).</param>
/// <param name="NewTokens">Tokens of the new documents that the (grown) vocabulary knows.</param>
/// <param name="NewTerms">Terms appended to the vocabulary.</param>
/// <param name="CorpusDocuments">D after the update: the model's D plus the new training documents.</param>
/// <param name="CountingTime">Analysis and counting of the new documents.</param>
/// <param name="TrainingTime">New rows, SVI steps.</param>
/// <param name="TotalTime">Everything, saving included.</param>
/// <param name="Reading">What the readers read and skipped in the new documents.</param>
internal sealed record UpdateOutcome(TrainingResult Result, ModelSnapshot Snapshot, int NewDocuments, long NewTokens, int NewTerms,
    long CorpusDocuments, TimeSpan CountingTime, TimeSpan TrainingTime, TimeSpan TotalTime, ReadReport Reading);

/// <summary>
/// Incremental online SVI (<c>topic-engine update</c>): folds new documents, and optionally new words, into a
/// saved model without refitting.
/// <list type="number">
/// <item>Load and verify the model (checksums, version).</item>
/// <item>Count the new documents with the model's own analyzer settings against its vocabulary into a working
/// folder beside the output (<see cref="NewDocumentCorpus"/>; two reading passes with <c>--grow-vocab</c>), removed at the end.</item>
/// <item>With new terms: append their λ rows (<see cref="NewTermRows"/>).</item>
/// <item>Continue SVI from the saved λ, α, η and step counter t, so ρ_t = (τ0 + t)^(−κ) goes on decaying from
/// where the model stopped, with D = the model's corpus documents + the new training documents (D estimates the
/// size of the whole collection the model describes; every new document is one more document of it).</item>
/// <item>Save: model.json gains an <c>update</c> history entry, training_log.parquet keeps its rows and gains the
/// update's, vocabulary df/cf include the new documents, and doc_topics.parquet holds the NEW documents only
/// (their final local step against the updated λ); older documents' θ can be recomputed with <c>infer</c>.</item>
/// </list>
/// </summary>
internal static class UpdateJob
{
    public static async Task<UpdateOutcome> RunAsync(UpdateRequest request, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        var model = await ModelDirectory.LoadAsync(request.ModelDirectory, cancellationToken);
        var analyzer = model.ReadAnalyzer(request.ModelDirectory);
        string output = request.OutputDirectory ?? request.ModelDirectory;
        using var work = WorkFolder.Create(output, "update");   // inside the output: nothing is left beside it
        string working = Path.Combine(work.Path, "counted");
        var corpus = await Task.Run(() => NewDocumentCorpus.Count(request.Sources, model.Vocabulary, analyzer, working,
            request.GrowVocabulary, request.Options.Threads, cancellationToken, modelDocuments: Math.Max(0, model.CorpusDocuments)), cancellationToken);
        var countingTime = total.Elapsed;

        var options = request.Options with
        {
            Topics = model.Topics, Kappa = model.Kappa, Tau0 = model.Tau0, Mode = TrainingMode.Online,   // BatchFirstPass needs Step 0: never in an update
            Alpha = PriorSetting.Symmetric, Eta = PriorSetting.Symmetric,   // ignored on resume: α, η are the model's
            ReviveTopics = 0,   // revival shapes a new fit's topics; an update keeps the model's
        };
        var heldOut = TrainingData.ChooseHeldOut(corpus.DocumentCount, options.HoldoutFraction, options.MaxHoldoutDocuments, options.Seed);
        int newTraining = corpus.DocumentCount - heldOut.Count(h => h);
        long d = Math.Max(0, model.CorpusDocuments) + newTraining;

        var trainer = new SviTrainer(options);
        using var backend = request.BackendFactory(model.Topics);
        var result = await Task.Run(() =>
        {
            var lambda = model.Lambda;
            if (corpus.NewTerms > 0)
            {
                lambda = NewTermRows.Grow(model.Lambda, model.VocabularySize, corpus.VocabularySize, model.Alpha, model.Eta,
                    TrainingData.TrainingBatches(corpus, heldOut, options.ResolveBatchSize(newTraining), null), backend,
                    options.LocalStep, (double)d / newTraining, cancellationToken);
            }
            var start = new TrainerState(model.Topics, corpus.VocabularySize, lambda, model.Alpha, model.Eta, model.Steps,
                CompletedPasses: 0, BatchesDoneInPass: 0, model.DocumentsSeen,
                model.TrainingLog.Count > 0 ? model.TrainingLog[^1].Seconds : 0, model.TrainingLog, [], Converged: false);
            return trainer.Fit(backend, corpus, new TrainingHooks
            {
                Progress = progress,
                HeldOutEvaluation = new HeldOutEvaluation(trainer.LocalOptions),
                ResumeFrom = start,
                CorpusDocuments = d,
                WarmStartFolder = Path.Combine(work.Path, "warm-start"),   // γ of the update's own passes over the new documents
            }, cancellationToken);
        }, cancellationToken);
        var trainingTime = total.Elapsed - countingTime;

        var history = model.Updates.Append(new ModelUpdate("update", DateTimeOffset.UtcNow, newTraining, corpus.NewTerms, result.State.Step)).ToList();
        var snapshot = ModelSnapshot.FromTraining(result.State, options with { Seed = (int)model.Seed, BatchSize = model.BatchSize },
            corpus.Vocabulary, result.Backend, d, model.Analyzer, history, model.Created) with { TrainingCorpus = model.TrainingCorpus };
        await ModelDirectory.SaveAsync(output, snapshot, new ModelSaveOptions(request.TopTerms),
            async (writer, ct) =>
            {
                var runner = new LocalStepRunner(backend, trainer.LocalOptions);   // holds the updated λ
                await writer.WriteThetaPassAsync(runner, corpus.ReadBatches(ThetaPass.DefaultBatchSize), result.Alpha, ct);
            }, cancellationToken);
        return new UpdateOutcome(result, snapshot, corpus.DocumentCount, corpus.TokenCount, corpus.NewTerms, d,
            countingTime, trainingTime, total.Elapsed, corpus.Report);
    }
}
