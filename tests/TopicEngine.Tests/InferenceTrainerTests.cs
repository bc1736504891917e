using System.Runtime.InteropServices;
using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

public sealed class InferenceTrainerTests
{
    private static TestTrainer Trainer(TrainingOptions options, int threads = 2) =>
        new(options, k => new CpuBackend(k, threads));

    private static InMemoryCorpus SmallCorpus(int seed = 5) => BackendContractTests.RandomCorpus(40, 80, seed, maxDistinctTerms: 12);

    [Fact]
    public void BatchModeElboNeverDecreases()
    {
        var options = new TrainingOptions
        {
            Topics = 4, Mode = TrainingMode.Batch, Passes = 12, HoldoutFraction = 0, LocalStep = new(MaxIterations: 1000, Tolerance: 1e-6f), Seed = 3,
        };
        var result = Trainer(options).Fit(SmallCorpus());
        var elbo = result.State.Log.Select(r => r.ElboPerWord).ToArray();
        Assert.Equal(12, elbo.Length);
        for (int i = 1; i < elbo.Length; i++)
            Assert.True(elbo[i] >= elbo[i - 1] - 1e-5 * Math.Abs(elbo[i - 1]), $"ELBO per word fell from {elbo[i - 1]} to {elbo[i]} at update {i + 1}");
        Assert.True(elbo[^1] > elbo[0], "batch VB should improve the ELBO");
        Assert.All(result.State.Log, r => Assert.Equal(1, r.Rho));
    }

    [Fact]
    public void SameSeedAndThreadsGiveByteIdenticalLambda()
    {
        var options = new TrainingOptions { Topics = 5, Passes = 2, BatchSize = 16, Seed = 9, HoldoutFraction = 0.1, Alpha = PriorSetting.Auto, Eta = PriorSetting.Auto };
        var first = Trainer(options).Fit(SmallCorpus());
        var second = Trainer(options).Fit(SmallCorpus());
        Assert.Equal(MemoryMarshal.AsBytes(first.Lambda.AsSpan()).ToArray(), MemoryMarshal.AsBytes(second.Lambda.AsSpan()).ToArray());
        Assert.Equal(first.Alpha, second.Alpha);
        Assert.Equal(first.Eta, second.Eta);
        var third = Trainer(options with { Seed = 10 }).Fit(SmallCorpus());
        Assert.NotEqual(first.Lambda, third.Lambda);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ResumingFromACheckpointGivesTheUninterruptedLambda(bool warmStart)
    {
        var options = new TrainingOptions { Topics = 4, Passes = 3, BatchSize = 12, Seed = 4, CheckpointEvery = 4, Alpha = PriorSetting.Auto, WarmStart = warmStart,
            Order = warmStart ? DocumentOrder.Corpus : DocumentOrder.Shuffled };
        using var folder = new TempDirectory();
        string gamma = Path.Combine(folder.Path, "gamma");
        var checkpoints = new List<(TrainerState State, string Gamma)>();
        // each checkpoint keeps a copy of the warm-start γ files as they were when it was taken (what a killed fit leaves)
        var uninterrupted = Trainer(options).Fit(SmallCorpus(), warmStartFolder: gamma, checkpoint: state =>
        {
            string copy = Path.Combine(folder.Path, $"checkpoint-{checkpoints.Count}");
            Directory.CreateDirectory(copy);
            if (Directory.Exists(gamma))
                foreach (var file in Directory.GetFiles(gamma)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            checkpoints.Add((state, copy));
        });
        var midPass = checkpoints.First(c => c.State.BatchesDoneInPass > 0 && c.State.CompletedPasses == 1);
        var passBoundary = checkpoints.First(c => c.State.BatchesDoneInPass == 0 && c.State.CompletedPasses == 1);
        var laterMidPass = checkpoints.First(c => c.State.BatchesDoneInPass > 0 && c.State.CompletedPasses == 2);
        foreach (var (state, copy) in new[] { midPass, passBoundary, laterMidPass })
        {
            var resumed = Trainer(options).Fit(SmallCorpus(), resumeFrom: state, warmStartFolder: copy);
            Assert.Equal(MemoryMarshal.AsBytes(uninterrupted.Lambda.AsSpan()).ToArray(), MemoryMarshal.AsBytes(resumed.Lambda.AsSpan()).ToArray());
            Assert.Equal(uninterrupted.Alpha, resumed.Alpha);
            Assert.Equal(uninterrupted.State.Step, resumed.State.Step);
            Assert.Equal(uninterrupted.State.Log.Select(r => r.ElboPerWord), resumed.State.Log.Select(r => r.ElboPerWord));
        }
    }

    [Fact]
    public void OnlineStepsUseTheRobbinsMonroSchedule()
    {
        var options = new TrainingOptions { Topics = 3, Passes = 1, BatchSize = 10, Kappa = 0.6, Tau0 = 4, EvalEvery = 1, HoldoutFraction = 0 };
        var result = Trainer(options).Fit(SmallCorpus());
        Assert.Equal(8, result.State.Step);
        for (int i = 0; i < result.State.Log.Count; i++)
        {
            var row = result.State.Log[i];
            Assert.Equal(Math.Pow(4 + (row.Step - 1), -0.6), row.Rho, 12);
            Assert.Equal(Math.Exp(-row.ElboPerWord), row.Perplexity, 9);
            Assert.Equal("cpu", row.Backend);
        }
        Assert.Equal(80, result.State.DocumentsSeen);
    }

    [Fact]
    public void HeldOutDocumentsAreExcludedFromTrainingAndScoredEachPass()
    {
        var options = new TrainingOptions { Topics = 3, Passes = 2, BatchSize = 8, HoldoutFraction = 0.25, Seed = 2 };
        var corpus = SmallCorpus();
        var result = Trainer(options).Fit(corpus);
        Assert.Equal(20, result.HeldOutDocuments);
        Assert.Equal(60, result.TrainingDocuments);
        Assert.Equal(120, result.State.DocumentsSeen);
        Assert.Equal(2, result.State.HeldOutLog.Count);
        Assert.All(result.State.HeldOutLog, r => Assert.True(double.IsFinite(r.Perplexity) && r.Perplexity > 1));
        Assert.NotNull(result.HeldOutPerplexity);
    }

    [Fact]
    public void AutoPassesStopWhenHeldOutLikelihoodStopsImproving()
    {
        var options = new TrainingOptions { Topics = 3, Passes = null, MaxAutoPasses = 50, AutoPassesThreshold = 0.01, BatchSize = 20, HoldoutFraction = 0.2 };
        var result = Trainer(options).Fit(SmallCorpus());
        int passes = result.State.CompletedPasses;
        Assert.True(passes >= 2 && passes < 50, $"stopped after {passes} passes");
        Assert.True(result.State.Converged);
        var last = result.State.HeldOutLog;
        Assert.True((last[^1].LogLikelihoodPerWord - last[^2].LogLikelihoodPerWord) / Math.Abs(last[^2].LogLikelihoodPerWord) < 0.01);
    }

    [Fact]
    public void ThetaRowsAndTopicWordRowsSumToOne()
    {
        var options = new TrainingOptions { Topics = 6, Passes = 2, BatchSize = 16 };
        var trainer = Trainer(options);
        var corpus = SmallCorpus();
        var result = trainer.Fit(corpus);
        var beta = LdaMath.ExpectedTopicWord(result.Lambda, corpus.VocabularySize, 6);
        for (int t = 0; t < 6; t++) Assert.Equal(1.0, beta.AsSpan(t * 40, 40).ToArray().Sum(x => (double)x), 5);
        int documents = 0;
        var theta = new float[6];
        foreach (var batch in trainer.InferDocumentTopics(result, corpus))
            for (int d = 0; d < batch.Keys.Length; d++, documents++)
            {
                batch.ThetaOf(d, theta);
                Assert.Equal(1.0, theta.Sum(x => (double)x), 5);
                Assert.All(theta, x => Assert.True(x >= 0 && float.IsFinite(x)));
            }
        Assert.Equal(corpus.DocumentCount, documents);
        int trainingOnly = trainer.InferDocumentTopics(result, corpus, trainingOnly: true).Sum(b => b.Keys.Length);
        Assert.Equal(result.TrainingDocuments, trainingOnly);
    }

    public static TheoryData<string, int> EdgeCorpora => new()
    {
        { "empty and one-word documents", 3 },
        { "a term in every document", 4 },
        { "K = 1", 1 },
        { "K larger than the number of documents", 12 },
    };

    [Theory]
    [MemberData(nameof(EdgeCorpora))]
    public void EdgeCorporaGiveFiniteNormalisedOutputs(string shape, int topics)
    {
        var corpus = new InMemoryCorpus(6);
        corpus.Add("empty", [], []);
        corpus.Add("one", [2], [1f]);
        corpus.Add("a", [0, 1, 5], [3f, 1f, 1f]);
        corpus.Add("b", [0, 3], [1f, 4f]);
        corpus.Add("c", [0, 4, 5], [2f, 2f, 1f]);
        corpus.Add("d", [0, 1, 2, 3], [1f, 1f, 1f, 1f]);
        foreach (var mode in new[] { TrainingMode.Online, TrainingMode.Batch })
        {
            var options = new TrainingOptions { Topics = topics, Mode = mode, Passes = 3, BatchSize = 2, HoldoutFraction = 0.2, Alpha = PriorSetting.Auto, Eta = PriorSetting.Auto };
            var trainer = Trainer(options);
            var result = trainer.Fit(corpus);
            Assert.All(result.Lambda, l => Assert.True(float.IsFinite(l) && l > 0, $"{shape}: λ {l}"));
            Assert.All(result.Alpha, a => Assert.True(float.IsFinite(a) && a > 0, $"{shape}: α {a}"));
            Assert.True(float.IsFinite(result.Eta) && result.Eta > 0);
            Assert.All(result.State.Log, r => Assert.True(double.IsFinite(r.ElboPerWord), $"{shape}: ELBO {r.ElboPerWord}"));
            Assert.All(result.State.HeldOutLog, r => Assert.True(double.IsFinite(r.Perplexity), $"{shape}: perplexity {r.Perplexity}"));
            var theta = new float[topics];
            foreach (var batch in trainer.InferDocumentTopics(result, corpus))
                for (int d = 0; d < batch.Keys.Length; d++)
                {
                    batch.ThetaOf(d, theta);
                    Assert.All(theta, x => Assert.True(float.IsFinite(x)));
                    Assert.Equal(1.0, theta.Sum(x => (double)x), 5);
                }
        }
    }

    [Fact]
    public void BadCorporaGiveOneLineErrors()
    {
        var trainer = Trainer(new TrainingOptions { Topics = 2 });
        Assert.Contains("no documents", Assert.Throws<TopicEngineException>(() => trainer.Fit(new InMemoryCorpus(3))).Message);
        var empty = new InMemoryCorpus(3);
        empty.Add("a", [], []);
        Assert.Contains("empty", Assert.Throws<TopicEngineException>(() => trainer.Fit(empty)).Message);
        var noVocabulary = new InMemoryCorpus(0);
        noVocabulary.Add("a", [], []);
        Assert.Contains("--min-df", Assert.Throws<TopicEngineException>(() => trainer.Fit(noVocabulary)).Message);
    }

    [Fact]
    public void ResumingWithAnotherShapeIsRefused()
    {
        var options = new TrainingOptions { Topics = 3, Passes = 1, BatchSize = 40 };
        var state = Trainer(options).Fit(SmallCorpus()).State;
        var error = Assert.Throws<TopicEngineException>(() => Trainer(options with { Topics = 4 }).Fit(SmallCorpus(), resumeFrom: state));
        Assert.Contains("--topics", error.Message);
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.Throws<OperationCanceledException>(() => Trainer(new TrainingOptions { Topics = 2 }).Fit(SmallCorpus(), cancellationToken: cancellation.Token));
    }

    [Fact]
    public void ProgressIsReportedForEveryStep()
    {
        var reports = new List<TrainingProgress>();
        var options = new TrainingOptions { Topics = 3, Passes = 2, BatchSize = 20, HoldoutFraction = 0.2, EvalEvery = 2 };
        Trainer(options).Fit(SmallCorpus(), new SynchronousProgress(reports.Add));
        Assert.Equal(8, reports.Count(r => r.HeldOutPerplexity is null));
        Assert.Equal(2, reports.Count(r => r.HeldOutPerplexity is not null));
        Assert.Contains(reports, r => r.ElboPerWord is not null);
        Assert.All(reports, r => Assert.True(r.TokensPerSecond > 0 && r.BatchesPerPass == 4));
    }
}
