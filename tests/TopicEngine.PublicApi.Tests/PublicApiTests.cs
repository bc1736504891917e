using TopicEngine.Inference;

namespace TopicEngine.PublicApi.Tests;

/// <summary>
/// The documented call order of the public API, from outside the library: TopicTrainer.FitAsync → TopicModel
/// (Infer, Topics) → TopicModel.Load of the same directory → Dispose.
/// </summary>
public sealed class PublicApiTests : IDisposable
{
    private static readonly string[][] Themes =
    [
        ["galaxy", "nebula", "comet", "asteroid", "meteor", "stellar", "cosmic", "quasar"],
        ["violin", "cello", "orchestra", "concerto", "symphony", "sonata", "conductor", "melody"],
        ["tomato", "basil", "garlic", "onion", "pepper", "olive", "lemon", "parsley"],
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "topicengine-publicapi-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
    }

    /// <summary>Document d: 30 words, most from theme d mod 3.</summary>
    private static IEnumerable<string> Documents(int count)
    {
        for (int d = 0; d < count; d++)
        {
            var random = new Random(d);
            var words = Enumerable.Range(0, 30).Select(_ =>
            {
                var theme = Themes[random.NextDouble() < 0.85 ? d % 3 : (d + 1) % 3];
                return theme[random.Next(theme.Length)];
            });
            yield return string.Join(' ', words);
        }
    }

    private static TopicTrainer Trainer() => new(new TopicTrainerOptions
    {
        Training = new TrainingOptions { Topics = 3, Passes = 5, BatchSize = 10, Seed = 2, Threads = 2, HoldoutFraction = 0 },
        Pruning = new TopicEngine.Text.PruningSettings { MinDf = 2, MaxDf = 0.9 },
        Device = "cpu",
    });

    [Fact]
    public async Task FitInferAndReloadFollowTheDocumentedCallOrder()
    {
        var reports = new Reports();
        string directory = Path.Combine(_root, "model");
        using var model = await Trainer().FitAsync(Documents(60), directory, reports);

        Assert.Equal(3, model.TopicCount);
        Assert.Equal(24, model.VocabularySize);
        Assert.Equal(Path.GetFullPath(directory), model.Directory);

        var topics = model.Topics(top: 4);
        Assert.Equal([0, 1, 2], topics.Select(t => t.Id));
        Assert.All(topics, t => Assert.Equal(4, t.Words.Count));
        // Each topic's top words come from one theme, and the three themes get three topics.
        var themeOfTopic = topics.Select(t => Array.FindIndex(Themes, theme => t.Words.All(w => theme.Contains(w.Term)))).ToArray();
        Assert.Equal([0, 1, 2], themeOfTopic.Order());

        foreach (var (theme, index) in Themes.Select((theme, i) => (theme, i)))
        {
            var mixture = model.Infer(string.Join(' ', theme) + " and an unknown xylophone");
            Assert.Equal(Array.IndexOf(themeOfTopic, index), mixture.DominantTopic);
            Assert.True(mixture.DominantProbability > 0.8f);
            Assert.Equal(theme.Length, mixture.TokenCount);
            Assert.Equal(2, mixture.UnknownTokens); // "unknown", "xylophone"; "and", "an" are stop words
            Assert.Equal(1.0, mixture.Theta.Sum(t => (double)t), 1e-5);
        }

        using var reloaded = TopicModel.Load(directory);
        string text = Documents(61).Last();
        Assert.Equal(model.Infer(text).Theta, reloaded.Infer(text).Theta);
        Assert.Equal(5 * 6, reports.Steps.Max()); // 5 passes of 6 mini-batches of 10 documents
    }

    /// <summary>Collects reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Reports : IProgress<TrainingProgress>
    {
        public List<long> Steps { get; } = new();
        public void Report(TrainingProgress value)
        {
            lock (Steps) Steps.Add(value.Step);
        }
    }

    [Fact]
    public async Task ManyThreadsInferWhatOneThreadInfers()
    {
        using var model = await Trainer().FitAsync(Documents(45), Path.Combine(_root, "model"));
        var texts = Documents(200).Select((t, i) => t[..(i % t.Length)]).ToArray();
        var sequential = texts.Select(model.Infer).ToArray();
        var concurrent = new TopicMixture[texts.Length * 3];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 12 }, i => concurrent[i] = model.Infer(texts[i % texts.Length]));
        for (int i = 0; i < concurrent.Length; i++)
            Assert.Equal(sequential[i % texts.Length].Gamma, concurrent[i].Gamma);
        var batched = model.Infer(texts);
        Assert.Equal(sequential.Select(m => m.Gamma), batched.Select(m => m.Gamma));
    }

    [Fact]
    public async Task ACancelledFitThrowsAndWritesNothing()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        string directory = Path.Combine(_root, "model");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Trainer().FitAsync(Documents(30), directory, cancellationToken: cancelled.Token));
        Assert.False(Directory.Exists(directory));
        Assert.False(Directory.Exists(_root) && Directory.EnumerateFileSystemEntries(_root).Any());
    }

    [Fact]
    public void BadOptionsFailWithTheFlagToChange()
    {
        var error = Assert.Throws<TopicEngineException>(() => new TopicTrainer(new TopicTrainerOptions { Training = new TrainingOptions { Topics = 0 } }));
        Assert.Contains("--topics", error.Message);
        error = Assert.Throws<TopicEngineException>(() => new TopicTrainer(new TopicTrainerOptions { Device = "tpu" }));
        Assert.Contains("--device", error.Message);
    }

    [Fact]
    public void LoadingAMissingDirectoryNamesIt()
    {
        string missing = Path.Combine(_root, "nothing-here");
        var error = Assert.Throws<TopicEngineException>(() => TopicModel.Load(missing));
        Assert.Contains(missing, error.Message);
    }
}
