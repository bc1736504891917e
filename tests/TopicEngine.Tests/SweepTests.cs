using Parquet;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using Xunit;

namespace TopicEngine.Tests;

public sealed class SweepTests
{
    [Fact]
    public void Stability_of_a_fit_against_itself_with_topics_reordered_is_one()
    {
        const int k = 4, v = 12;
        var random = new Random(3);
        var a = new float[k * v];
        for (int i = 0; i < a.Length; i++) a[i] = (float)random.NextDouble();
        var b = new float[k * v];
        int[] order = [2, 0, 3, 1];
        for (int t = 0; t < k; t++) Array.Copy(a, order[t] * v, b, t * v, v);
        Assert.Equal(1.0, TopicStability.MatchedCosine(a, b, k, v), 6);
    }

    [Fact]
    public void Stability_across_seeds_averages_every_pair_and_each_fits_pairs()
    {
        const int k = 2, v = 2;
        float[] x = [1, 0, 0, 1], y = [1, 0, 0, 1], z = [1, 1, 1, 1];   // z's rows have cosine √½ with any unit axis
        var (perFit, mean) = TopicStability.AcrossSeeds([x, y, z], k, v);
        double c = Math.Sqrt(0.5);
        Assert.Equal((1 + c + c) / 3, mean, 6);
        Assert.Equal((1 + c) / 2, perFit[0], 6);
        Assert.Equal(c, perFit[2], 6);
        Assert.True(double.IsNaN(TopicStability.AcrossSeeds([x], k, v).Mean));
    }

    private static SweepSummary Summary(int k, double perplexity, double npmi, double stability) =>
        new(k, [perplexity, npmi, 0.5], [0, 0, 0], stability);

    [Fact]
    public void Recommendation_takes_the_best_perplexity_among_Ks_near_the_best_stability_and_npmi()
    {
        // K=50 has the best perplexity but unstable topics; K=100 is incoherent; K=20 beats K=10 on perplexity
        var summaries = new[] { Summary(10, 900, 0.12, 0.90), Summary(20, 800, 0.11, 0.88), Summary(50, 700, 0.11, 0.70), Summary(100, 650, 0.05, 0.60) };
        var (k, reason) = SweepRecommendation.Choose(summaries, stabilityTolerance: 0.05, npmiTolerance: 0.02);
        Assert.Equal(20, k);
        Assert.Contains("K=50", reason);
        Assert.Contains("K=100", reason);
    }

    [Fact]
    public void Recommendation_falls_back_to_npmi_alone_when_no_K_is_near_both_bests()
    {
        var summaries = new[] { Summary(10, 900, 0.05, 0.95), Summary(20, 800, 0.15, 0.60) };
        var (k, reason) = SweepRecommendation.Choose(summaries, 0.05, 0.02);
        Assert.Equal(20, k);
        Assert.Contains("no K was also within", reason);
    }

    [Fact]
    public async Task Corpus_split_writes_two_prepared_folders_with_the_same_vocabulary_and_all_documents()
    {
        using var dir = new TempDirectory();
        TopicTextCorpus.Write(dir, "docs", 40);
        await TopicCorpus.PrepareAsync(CorpusInput.FromPaths([dir.File("docs")]), dir.File("prepared"));
        var corpus = Corpus.PreparedCorpus.Open(dir.File("prepared"));
        var mask = TrainingData.ChooseHeldOut(corpus.DocumentCount, 0.25, int.MaxValue, 1);
        Corpus.CorpusSplit.Write(corpus, mask, dir.File("train"), dir.File("test"));
        var train = Corpus.PreparedCorpus.Open(dir.File("train"));
        var test = Corpus.PreparedCorpus.Open(dir.File("test"));
        Assert.Equal(10, test.DocumentCount);
        Assert.Equal(30, train.DocumentCount);
        Assert.Equal(corpus.TokenCount, train.TokenCount + test.TokenCount);
        Assert.Equal(corpus.Vocabulary.Fingerprint(), test.Vocabulary.Fingerprint());
        var testKeys = test.ReadBatches(100).SelectMany(b => b.Keys).ToArray();
        var expected = corpus.ReadBatches(100).SelectMany(b => b.Keys).Where((_, i) => mask[i]).ToArray();
        Assert.Equal(expected, testKeys);
    }

    [Fact]
    public async Task Sweep_fits_every_K_and_seed_scores_them_and_writes_sweep_parquet()
    {
        using var dir = new TempDirectory();
        TopicTextCorpus.Write(dir, "docs", 90);
        var options = new TopicSweepOptions
        {
            Trainer = new TopicTrainerOptions { Training = new TrainingOptions { Passes = 3, Seed = 5, Threads = 1 }, Device = "cpu" },
            Topics = [2, 3],
            Seeds = 2,
            TestFraction = 0.2,
        };
        var reports = new List<SweepProgress>();
        var result = await TopicSweep.RunAsync(CorpusInput.FromPaths([dir.File("docs")]), dir.File("sweep"), options,
            progress: new SyncProgress<SweepProgress>(reports.Add));

        Assert.Equal(4, result.Fits.Count);
        Assert.Equal([(2, 5), (2, 6), (3, 5), (3, 6)], result.Fits.Select(f => (f.Topics, f.Seed)));
        Assert.Equal(18, result.TestDocuments);
        Assert.Equal(72, result.TrainingDocuments);
        Assert.All(result.Fits, f =>
        {
            Assert.True(Directory.Exists(f.ModelDirectory));
            Assert.InRange(f.Stability, 0, 1.0000001);
            Assert.True(f.Evaluation.Perplexity > 1);
        });
        // three clear themes: K=3 recovers them the same way from both seeds and predicts held-out words better than K=2
        var three = result.Summaries.Single(s => s.Topics == 3);
        Assert.True(three.Stability > 0.9, $"stability {three.Stability}");
        Assert.True(three.Mean(SweepMetric.Perplexity) < result.Summaries.Single(s => s.Topics == 2).Mean(SweepMetric.Perplexity));
        Assert.Equal(3, result.RecommendedTopics);
        Assert.StartsWith("K=3", result.Reason);

        // one progress stream across all fits, ending at 1
        Assert.Equal(1.0, reports[^1].Fraction(3), 6);
        Assert.Equal(Enumerable.Range(0, 4), reports.Select(r => r.Fit).Distinct());

        await using var reader = await ParquetReader.CreateAsync(result.ParquetPath);
        var columns = reader.Schema.GetDataFields().Select(f => f.Name).ToArray();
        Assert.Equal(["topics", "seed", "model", "training_seconds", .. SweepMetric.All.Select(m => m.Column), "stability", "topics_stability", "recommended"], columns);
        Assert.Equal(4, reader.Metadata!.NumRows);
    }

    [Fact]
    public async Task Sweep_refuses_passes_auto_and_repeated_topics()
    {
        var auto = new TopicSweepOptions { Trainer = new TopicTrainerOptions { Training = new TrainingOptions { Passes = null } } };
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => TopicSweep.RunAsync(CorpusInput.EmbeddedDefault, "unused", auto));
        Assert.Contains("--passes", e.Message);
        var twice = new TopicSweepOptions { Trainer = new TopicTrainerOptions { Training = new TrainingOptions { Passes = 1 } }, Topics = [5, 5] };
        e = await Assert.ThrowsAsync<TopicEngineException>(() => TopicSweep.RunAsync(CorpusInput.EmbeddedDefault, "unused", twice));
        Assert.Contains("twice", e.Message);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
