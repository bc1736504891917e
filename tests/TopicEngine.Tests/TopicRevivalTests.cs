using TopicEngine.Backends;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Synthetic;
using TopicEngine.Text;

namespace TopicEngine.Tests;

/// <summary>
/// <see cref="TopicRevival"/> (<c>--revive-topics</c>): a starved topic takes half of the largest topic's counts, word by
/// word, so that the two add up to what the large one held; nothing changes when no topic is starved; the split is fixed
/// by seed and pass; it runs after the passes of the first half only; and a fit with it stays deterministic and resumable.
/// </summary>
public sealed class TopicRevivalTests
{
    private const float Eta = 0.25f;

    /// <summary>λ (V×K term-major) whose topic t holds <paramref name="scale"/>[t] times a word-dependent count above η.</summary>
    private static float[] Lambda(int v, params float[] scale)
    {
        int k = scale.Length;
        var lambda = new float[v * k];
        for (int w = 0; w < v; w++)
            for (int t = 0; t < k; t++) lambda[w * k + t] = Eta + scale[t] * (1 + (w * (t + 3)) % 7);
        return lambda;
    }

    [Fact]
    public void AStarvedTopicTakesPartOfTheLargestTopicAndTheirCountsAddUpToItsOwn()
    {
        const int v = 60;
        var before = Lambda(v, 40, 10, 12, 0.01f);   // topic 3 holds 0.016 % of the counts
        var lambda = before.ToArray();

        var made = TopicRevival.Revive(lambda, 4, Eta, threshold: 0.25, seed: 5, pass: 1);

        Assert.Equal([(3, 0)], made);
        for (int w = 0; w < v; w++)
        {
            Assert.Equal(before[w * 4 + 0] - Eta, (lambda[w * 4 + 0] - Eta) + (lambda[w * 4 + 3] - Eta), 3);
            Assert.Equal(before[w * 4 + 1], lambda[w * 4 + 1]);
            Assert.Equal(before[w * 4 + 2], lambda[w * 4 + 2]);
        }
        var counts = TopicRevival.TopicCounts(lambda, 4, Eta);
        Assert.InRange(counts[3] / counts.Sum(), 0.25 / 4, 1);   // no longer starved
        Assert.InRange(counts[0] / counts.Sum(), 0.25 / 4, 1);
    }

    [Fact]
    public void NoTopicBelowTheShareLeavesLambdaAsItWas()
    {
        var before = Lambda(40, 10, 9, 11, 8);
        var lambda = before.ToArray();
        Assert.Empty(TopicRevival.Revive(lambda, 4, Eta, threshold: 0.25, seed: 5, pass: 1));
        Assert.Equal(before, lambda);
    }

    [Fact]
    public void TheSplitIsFixedBySeedAndPass()
    {
        float[] Split(int seed, int pass)
        {
            var lambda = Lambda(50, 30, 10, 0.01f);
            TopicRevival.Revive(lambda, 3, Eta, 0.25, seed, pass);
            return lambda;
        }
        Assert.Equal(Split(1, 1), Split(1, 1));
        Assert.NotEqual(Split(1, 1), Split(1, 2));
        Assert.NotEqual(Split(1, 1), Split(2, 1));
    }

    [Theory]
    [InlineData(1, 10, true)]
    [InlineData(5, 10, true)]
    [InlineData(6, 10, false)]
    [InlineData(1, 2, true)]
    [InlineData(1, 1, false)]
    [InlineData(3, 3, false)]
    public void RunsAfterThePassesOfTheFirstHalfAndNeverAfterTheLast(int completed, int passes, bool runs) =>
        Assert.Equal(runs, TopicRevival.RunsAfter(completed, passes));

    private const int K = 8, V = 300;

    private static readonly SyntheticCorpus Truth = SyntheticLda.Generate(new SyntheticLdaOptions
    {
        Topics = 3, VocabularySize = V, Documents = 600, DocumentLength = 60, Seed = 11,
    });

    private static TrainingOptions Options(double revive) =>
        new() { Topics = K, Passes = 4, BatchSize = 40, Seed = 3, Threads = 1, HoldoutFraction = 0, ReviveTopics = revive };

    private static float[] Fit(double revive) =>
        new TestTrainer(Options(revive), k => new CpuBackend(k, threads: 1)).Fit(Truth.Corpus).Lambda;

    [Fact]
    public void AFitWithRevivalChangesTheStarvedTopicsAndIsDeterministic()
    {
        // eight topics for three true ones: online SVI leaves some with almost nothing after the first pass
        var off = Fit(0);
        var revived = Fit(0.5);
        Assert.NotEqual(off, revived);
        Assert.Equal(revived, Fit(0.5));
        static int Starved(float[] lambda)
        {
            var counts = TopicRevival.TopicCounts(lambda, K, 1f / K);
            double total = counts.Sum();
            return counts.Count(n => n / total < 0.01);
        }
        int starvedOff = Starved(off), starvedRevived = Starved(revived);
        Assert.True(starvedRevived < starvedOff, $"topics under 1 % of the counts: {starvedRevived} with revival, {starvedOff} without");
    }

    [Fact]
    public void TheProgressOfAPassEndSaysHowManyTopicsItRevived()
    {
        var reports = new List<TrainingProgress>();
        new TestTrainer(Options(0.5), k => new CpuBackend(k, threads: 1)).Fit(Truth.Corpus, new SynchronousProgress(reports.Add));
        var revived = reports.Where(p => p.RevivedTopics > 0).ToList();
        Assert.NotEmpty(revived);
        Assert.All(revived, p => Assert.True(p.BatchInPass == p.BatchesPerPass && p.Pass <= 2, $"revival reported at pass {p.Pass}, batch {p.BatchInPass}"));
        Assert.Contains("revived", Cli.TrainingProgressView.Describe(revived[0]));
    }

    [Fact]
    public async Task AFitWithRevivalResumedFromACheckpointEqualsTheUninterruptedFit()
    {
        var vocabulary = new Vocabulary();
        for (int w = 0; w < V; w++) vocabulary.Add(SyntheticCorpusWriter.TermName(w, V));
        FitRequest Request(string output, string? resume = null) =>
            new(Truth.Corpus, vocabulary, null, Options(0.5) with { CheckpointEvery = 100 }, k => new CpuBackend(k, threads: 1), output, ResumeDirectory: resume);
        using var dir = new TempDirectory();
        await FitJob.RunAsync(Request(dir.File("whole")));
        // checkpoints at pass ends only, cancelled in pass 2: the fit resumes from the end of pass 1, written after its revival
        await CheckpointTests.InterruptedFit(Request(dir.File("resumed")), steps: 17);
        Assert.Equal(15, (await ModelDirectory.LoadAsync(dir.File("resumed"))).Steps);
        await FitJob.RunAsync(Request(dir.File("resumed"), resume: dir.File("resumed")));

        var whole = await ModelDirectory.LoadAsync(dir.File("whole"));
        var resumed = await ModelDirectory.LoadAsync(dir.File("resumed"));
        Assert.Equal(whole.Lambda, resumed.Lambda);
    }
}
