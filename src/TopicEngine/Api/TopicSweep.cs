using Parquet;
using Parquet.Schema;
using TopicEngine.Corpus;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Storage;

namespace TopicEngine;

/// <summary>
/// What <see cref="TopicSweep.RunAsync"/> fits and how it scores (<c>topic-engine sweep</c>'s flags). Immutable; change
/// with <c>with</c>.
/// </summary>
public sealed record TopicSweepOptions
{
    /// <summary>The settings of every fit (<c>fit</c>'s flags). <see cref="TrainingOptions.Topics"/> is replaced by each K,
    /// <see cref="TrainingOptions.Seed"/> is the first seed, and the fits hold nothing out themselves (the sweep's test
    /// documents are held out once for all of them). <see cref="TrainingOptions.Passes"/> must be a number.</summary>
    public TopicTrainerOptions Trainer { get; init; } = new();

    /// <summary>The values of K (<c>--topics 10,20,50,100</c>).</summary>
    public IReadOnlyList<int> Topics { get; init; } = [10, 20, 50, 100];

    /// <summary>Fits per K, with seeds <see cref="TrainingOptions.Seed"/>, +1, +2, ... (<c>--seeds</c>). Default 3.</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>Fraction of the documents held out once, chosen by the first seed, as the test documents every fit is
    /// scored on (<c>--test-fraction</c>); ignored when <see cref="Test"/> is given. Default 0.1.</summary>
    public double TestFraction { get; init; } = 0.1;

    /// <summary>Separate test documents, raw input counted with each model's vocabulary (<c>--test</c>); null splits the
    /// corpus by <see cref="TestFraction"/>.</summary>
    public CorpusInput? Test { get; init; }

    /// <summary>The recommendation keeps the Ks whose mean stability is at most this far below the best K's
    /// (<c>--stability-tolerance</c>). Default 0.05.</summary>
    public double StabilityTolerance { get; init; } = 0.05;

    /// <summary>The recommendation keeps the Ks whose mean NPMI is at most this far below the best K's
    /// (<c>--npmi-tolerance</c>). Default 0.02.</summary>
    public double NpmiTolerance { get; init; } = 0.02;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a setting is out of range.</summary>
    public void Validate()
    {
        Trainer.Validate();
        if (Trainer.Training.Passes is null) throw new TopicEngineException("sweep needs --passes N (a number, not auto): every fit must train the same amount");
        if (Topics.Count == 0) throw new TopicEngineException("--topics needs at least one K");
        foreach (int k in Topics) (Trainer.Training with { Topics = k }).Validate();
        if (Topics.Distinct().Count() != Topics.Count) throw new TopicEngineException("--topics lists a K twice");
        if (Seeds < 1) throw new TopicEngineException($"--seeds must be at least 1, not {Seeds}");
        if (Test is null && !(TestFraction > 0 && TestFraction < 1)) throw new TopicEngineException($"--test-fraction must be in (0, 1), not {TestFraction}");
        if (Test is not null && (Test.IsEmbeddedDefault || Test.PreparedDirectory is not null))
            throw new TopicEngineException("--test takes raw input files or folders");
        if (!(StabilityTolerance >= 0) || !(NpmiTolerance >= 0)) throw new TopicEngineException("the tolerances must not be negative");
    }
}

/// <summary>
/// Chooses K: prepares the corpus once, holds out test documents once, fits every K with several seeds
/// (<see cref="TopicTrainer"/>), scores every fit on the same test documents (<see cref="TopicEvaluator"/>: held-out
/// perplexity, NPMI over the training documents, diversity), measures how stable each K's topics are across seeds (mean
/// best-match cosine, Hungarian assignment), recommends a K by <see cref="RecommendationRule"/>, and writes sweep.parquet.
/// <para>The output folder holds <c>sweep.parquet</c>, <c>corpus/</c> (the prepared corpus, for raw input),
/// <c>split/train</c> and <c>split/test</c> (prepared folders with the corpus's vocabulary), and <c>models/k{K}-seed{S}</c>
/// (every fitted model).</para>
/// </summary>
public static class TopicSweep
{
    /// <summary>sweep.parquet: one row per fit.</summary>
    public const string FileName = "sweep.parquet";

    /// <summary>The rule the recommendation applies, in words.</summary>
    public const string RecommendationRule =
        "among the Ks whose stability across seeds and mean NPMI are both within their tolerances of the best K's, the one with the lowest mean held-out perplexity (ties: the smaller K)";

    /// <summary>Runs the sweep into <paramref name="outputDirectory"/>.</summary>
    /// <param name="input">The corpus: raw input (prepared once into the output), a prepared folder, or the embedded default.</param>
    /// <param name="outputDirectory">The sweep's folder (created).</param>
    /// <param name="options">Ks, seeds, test documents, the fits' settings.</param>
    /// <param name="device">The device for every fit; null opens <see cref="TopicTrainerOptions.Device"/>.</param>
    /// <param name="progress">Hears every fit's progress.</param>
    /// <param name="cancellationToken">Stops the sweep.</param>
    /// <exception cref="TopicEngineException">Bad options or input, as <c>fit</c> and <c>evaluate</c> report them.</exception>
    public static async Task<SweepResult> RunAsync(CorpusInput input, string outputDirectory, TopicSweepOptions? options = null,
        ComputeDevice? device = null, IProgress<SweepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        options ??= new TopicSweepOptions();
        options.Validate();
        string root = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(root);
        using var opened = device is null ? ComputeDevice.Open(options.Trainer.Device) : null;
        var compute = (device ?? opened)!;
        var training = options.Trainer.Training;

        string corpusDirectory = input.PreparedDirectory ?? Path.Combine(root, "corpus");
        if (input.PreparedDirectory is null)
            await TopicCorpus.PrepareAsync(input, corpusDirectory, new CorpusOptions
            {
                Analyzer = options.Trainer.Analyzer, Pruning = options.Trainer.Pruning, Threads = training.Threads,
            }, null, cancellationToken);
        var corpus = PreparedCorpus.Open(corpusDirectory);

        // the test documents: held out once (by the first seed) for every fit, or given
        string trainDirectory = corpusDirectory;
        CorpusInput test;
        if (options.Test is { } given)
            test = given;
        else
        {
            var mask = TrainingData.ChooseHeldOut(corpus.DocumentCount, options.TestFraction, int.MaxValue, training.Seed);
            trainDirectory = Path.Combine(root, "split", "train");
            string testDirectory = Path.Combine(root, "split", "test");
            AtomicFile.TryDeleteDirectory(Path.Combine(root, "split"));
            CorpusSplit.Write(corpus, mask, trainDirectory, testDirectory);
            test = CorpusInput.FromPrepared(testDirectory);
        }
        int trainingDocuments = PreparedCorpus.Open(trainDirectory).DocumentCount;

        var fits = new List<SweepFit>();
        int total = options.Topics.Count * options.Seeds, index = 0, testDocuments = 0;
        foreach (int k in options.Topics)
        {
            var topicWords = new List<float[]>();
            var kFits = new List<SweepFit>();
            for (int s = 0; s < options.Seeds; s++, index++)
            {
                int seed = training.Seed + s;
                int fit = index;
                var trainer = new TopicTrainer(options.Trainer with
                {
                    Training = training with { Topics = k, Seed = seed, HoldoutFraction = 0, CheckpointEvery = 0 },
                });
                string modelDirectory = Path.Combine(root, "models", $"k{k}-seed{seed}");
                var fitProgress = progress is null ? null
                    : new SynchronousProgress<TrainingProgress>(p => progress.Report(new SweepProgress(fit, total, k, seed, "training", p)));
                var report = await trainer.FitCorpusAsync(CorpusInput.FromPrepared(trainDirectory), modelDirectory, compute,
                    progress: fitProgress, cancellationToken: cancellationToken);
                progress?.Report(new SweepProgress(fit, total, k, seed, "evaluating", null));
                var evaluation = await TopicEvaluator.EvaluateAsync(new EvaluationOptions
                {
                    ModelDirectory = modelDirectory, HeldOut = test, ReferenceDirectory = trainDirectory, Threads = training.Threads,
                }, cancellationToken);
                testDocuments = evaluation.HeldOutDocuments;
                var snapshot = await ModelDirectory.LoadAsync(modelDirectory, cancellationToken);
                topicWords.Add(LdaMath.ExpectedTopicWord(snapshot.Lambda, snapshot.VocabularySize, snapshot.Topics));
                kFits.Add(new SweepFit(k, seed, modelDirectory, report.TrainingSeconds, evaluation, double.NaN));
                progress?.Report(new SweepProgress(fit, total, k, seed, "done", null));
            }
            var stability = TopicStability.AcrossSeeds(topicWords, k, corpus.VocabularySize);
            fits.AddRange(kFits.Select((f, i) => f with { Stability = stability.PerFit[i] }));
        }

        var summaries = options.Topics.Select(k => Summarise(k, fits.Where(f => f.Topics == k).ToList())).ToArray();
        var (recommended, reason) = SweepRecommendation.Choose(summaries, options.StabilityTolerance, options.NpmiTolerance);
        string parquet = Path.Combine(root, FileName);
        await WriteAsync(parquet, fits, summaries, recommended, cancellationToken);
        return new SweepResult
        {
            Fits = fits, Summaries = summaries, RecommendedTopics = recommended, Reason = reason,
            TrainingDocuments = trainingDocuments, TestDocuments = testDocuments, ParquetPath = parquet,
        };
    }

    private static SweepSummary Summarise(int k, List<SweepFit> fits)
    {
        var means = new double[SweepMetric.All.Count];
        var deviations = new double[means.Length];
        for (int m = 0; m < means.Length; m++)
        {
            var values = fits.Select(f => f.Value(SweepMetric.All[m])).ToArray();
            means[m] = values.Average();
            deviations[m] = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - means[m]) * (v - means[m])) / (values.Length - 1));
        }
        // the K's stability: every pair counted once (the per-fit values each average the fit's pairs)
        double stability = fits.Count < 2 ? double.NaN : fits.Average(f => f.Stability);
        return new SweepSummary(k, means, deviations, stability);
    }

    /// <summary>sweep.parquet: <c>topics</c> int32, <c>seed</c> int32, <c>model</c> string, <c>training_seconds</c> double,
    /// one double column per <see cref="SweepMetric.All"/>, <c>stability</c> double (this fit against the other seeds),
    /// <c>topics_stability</c> double (the K's mean over seed pairs), <c>recommended</c> bool (this fit's K is the one recommended).</summary>
    private static Task WriteAsync(string path, IReadOnlyList<SweepFit> fits, IReadOnlyList<SweepSummary> summaries, int recommended,
        CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            var topics = new DataField<int>("topics");
            var seed = new DataField<int>("seed");
            var model = new DataField<string>("model", nullable: false);
            var seconds = new DataField<double>("training_seconds");
            var metrics = SweepMetric.All.Select(m => new DataField<double>(m.Column)).ToArray();
            var stability = new DataField<double>("stability");
            var kStability = new DataField<double>("topics_stability");
            var isRecommended = new DataField<bool>("recommended");
            var schema = new ParquetSchema([topics, seed, model, seconds, .. metrics, stability, kStability, isRecommended]);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream, ParquetColumns.Options(), cancellationToken: ct);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(topics, fits.Select(f => f.Topics).ToArray(), cancellationToken: ct);
            await group.WriteAsync<int>(seed, fits.Select(f => f.Seed).ToArray(), cancellationToken: ct);
            await group.WriteAsync(model, fits.Select(f => f.ModelDirectory).ToArray(), null);
            await group.WriteAsync<double>(seconds, fits.Select(f => f.TrainingSeconds).ToArray(), cancellationToken: ct);
            for (int m = 0; m < metrics.Length; m++)
                await group.WriteAsync<double>(metrics[m], fits.Select(f => f.Value(SweepMetric.All[m])).ToArray(), cancellationToken: ct);
            await group.WriteAsync<double>(stability, fits.Select(f => f.Stability).ToArray(), cancellationToken: ct);
            await group.WriteAsync<double>(kStability, fits.Select(f => summaries.First(s => s.Topics == f.Topics).Stability).ToArray(), cancellationToken: ct);
            await group.WriteAsync<bool>(isRecommended, fits.Select(f => f.Topics == recommended).ToArray(), cancellationToken: ct);
        }, cancellationToken);

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
