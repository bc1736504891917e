using TopicEngine.Backends;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

public sealed class WarmStartGammaTests
{
    private static float[] Rows(int rows, int topics, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * topics).Select(_ => (float)(0.1 + random.NextDouble())).ToArray();
    }

    private static void WritePass(WarmStartGamma store, int pass, float[] gamma, int topics, bool end = true)
    {
        store.BeginPass(pass);
        int documents = gamma.Length / topics;
        for (int first = 0; first < documents; first += 4)   // batches of 4 documents, the last one shorter
        {
            int rows = Math.Min(4, documents - first);
            store.Write(first, gamma.AsSpan(first * topics, rows * topics));
        }
        if (end) store.EndPass();
    }

    [Fact]
    public void APassReadsWhatThePreviousPassWrote()
    {
        using var folder = new TempDirectory();
        const int documents = 10, topics = 3;
        var pass0 = Rows(documents, topics, 1);
        using var store = new WarmStartGamma(folder.Path, documents, topics);
        Assert.False(store.BeginPass(0));   // the first pass starts at 1
        WritePass(store, 0, pass0, topics);

        Assert.True(store.BeginPass(1));
        var read = new float[3 * topics];
        store.Read(4, read);
        Assert.Equal(pass0.AsSpan(4 * topics, 3 * topics).ToArray(), read);
    }

    [Fact]
    public void APassThatDidNotFinishIsNotReadByTheNext()
    {
        using var folder = new TempDirectory();
        const int documents = 9, topics = 2;
        using var store = new WarmStartGamma(folder.Path, documents, topics);
        WritePass(store, 0, Rows(documents, topics, 2), topics, end: false);   // killed inside pass 0
        Assert.False(store.BeginPass(1));
    }

    [Fact]
    public void AResumedPassReadsThePreviousPassUntouchedByItsKilledRun()
    {
        using var folder = new TempDirectory();
        const int documents = 12, topics = 5;
        var pass0 = Rows(documents, topics, 3);
        using (var killed = new WarmStartGamma(folder.Path, documents, topics))
        {
            WritePass(killed, 0, pass0, topics);
            WritePass(killed, 1, Rows(documents, topics, 4), topics, end: false);   // killed inside pass 1
        }
        using var resumed = new WarmStartGamma(folder.Path, documents, topics);
        Assert.True(resumed.BeginPass(1));
        var read = new float[documents * topics];
        resumed.Read(0, read);
        Assert.Equal(pass0, read);
    }

    [Fact]
    public void FilesOfAnotherShapeAreNotRead()
    {
        using var folder = new TempDirectory();
        using (var other = new WarmStartGamma(folder.Path, 8, 3)) WritePass(other, 0, Rows(8, 3, 5), 3);
        using var store = new WarmStartGamma(folder.Path, 8, 4);
        Assert.False(store.BeginPass(1));
    }

    [Fact]
    public void WarmStartTakesFewerIterationsAndKeepsTheFitDeterministic()
    {
        var corpus = BackendContractTests.RandomCorpus(60, 200, 7, maxDistinctTerms: 20);
        var options = new TrainingOptions { Topics = 6, Passes = 4, BatchSize = 40, Seed = 2, HoldoutFraction = 0, WarmStart = true, Order = DocumentOrder.Corpus };
        long Iterations(TrainingOptions o, out float[] lambda)
        {
            var benchmark = new CountingObserver();
            using var backend = new CpuBackend(o.Topics, threads: 2);
            var result = new SviTrainer(o).Fit(backend, corpus, new TrainingHooks { Observers = [benchmark] });
            lambda = result.Lambda;
            return benchmark.LastPassIterations;
        }
        long warm = Iterations(options, out var warmLambda);
        long warmAgain = Iterations(options, out var warmLambdaAgain);
        long cold = Iterations(options with { WarmStart = false }, out var coldLambda);
        Assert.Equal(warmLambda, warmLambdaAgain);
        Assert.Equal(warm, warmAgain);
        Assert.True(warm < cold * 0.8, $"iterations in the last pass: warm {warm}, cold {cold}");
        Assert.NotEqual(warmLambda, coldLambda);
    }

    private sealed class CountingObserver : ITrainingObserver
    {
        public long LastPassIterations { get; private set; }
        public void AfterPass(TrainingRun run) => LastPassIterations = run.LastPass!.Iterations;
    }
}
