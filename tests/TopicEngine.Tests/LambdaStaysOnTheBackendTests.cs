using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Text;

namespace TopicEngine.Tests;

/// <summary>
/// λ stays on the backend during a fit (issue 9): the ELBO's β part, the η Newton step and the held-out evaluation are
/// backend operations, so a whole fit — logged every step, η and α learned, held-out documents scored every pass, the
/// final θ pass and the save — copies λ off the backend exactly once, for the save. Run on the CPU backend and on the GPU
/// backend over ILGPU's CPU accelerator.
/// </summary>
public sealed class LambdaStaysOnTheBackendTests(SmallGroupTestAccelerator device) : IClassFixture<SmallGroupTestAccelerator>
{
    private static readonly TrainingOptions Options = new()
    {
        Topics = 3, Passes = 2, BatchSize = 2, EvalEvery = 1, HoldoutFraction = 0.2, Alpha = PriorSetting.Auto, Eta = PriorSetting.Auto,
        LocalStep = new(MaxIterations: 20), Seed = 3, Threads = 2,
        ReviveTopics = 0,   // revival copies λ off and back after each pass of the first half: counted on its own below
    };

    [Fact]
    public Task AFitOnTheCpuBackendCopiesLambdaOffItOnceForTheSave() => FitCopiesLambdaOnce(k => new CpuBackend(k, threads: 2));

    [Fact]
    public Task AFitOnTheGpuBackendCopiesLambdaOffItOnceForTheSave() => FitCopiesLambdaOnce(k => new GpuBackend(device.Accelerator, k));

    [Fact]
    public async Task EveryCheckpointCopiesLambdaOnceMore()
    {
        var counting = new List<CountingBackend>();
        using var dir = new TempDirectory();
        var (corpus, vocabulary) = Corpus();
        // 8 training documents (2 of 10 held out) in batches of 2: 4 steps per pass, 2 passes. Checkpoints after steps 2 and 6
        // (inside a pass; steps 4 and 8 end a pass) and at the end of both passes: 4, then the save.
        var options = Options with { CheckpointEvery = 2 };
        await FitJob.RunAsync(new FitRequest(corpus, vocabulary, null, options, k => Counted(new CpuBackend(k, threads: 2), counting), dir.File("model")));
        Assert.Equal(4 + 1, counting.Single().GetLambdaCalls);
    }

    [Fact]
    public async Task RevivalCopiesLambdaOnceMorePerPassOfTheFirstHalf()
    {
        var counting = new List<CountingBackend>();
        using var dir = new TempDirectory();
        var (corpus, vocabulary) = Corpus();
        // 4 passes: revival looks at λ after passes 1 and 2 (the first half, never the last), then the save
        var options = Options with { Passes = 4, ReviveTopics = TrainingOptions.DefaultReviveTopics };
        await FitJob.RunAsync(new FitRequest(corpus, vocabulary, null, options, k => Counted(new CpuBackend(k, threads: 2), counting), dir.File("model")));
        Assert.Equal(2 + 1, counting.Single().GetLambdaCalls);
    }

    private async Task FitCopiesLambdaOnce(Func<int, ILdaBackend> create)
    {
        var counting = new List<CountingBackend>();
        using var dir = new TempDirectory();
        var (corpus, vocabulary) = Corpus();
        var outcome = await FitJob.RunAsync(new FitRequest(corpus, vocabulary, null, Options, k => Counted(create(k), counting), dir.File("model")));
        var backend = Assert.Single(counting);   // one backend for training, held-out evaluation and the final θ pass
        Assert.Equal(1, backend.GetLambdaCalls);
        Assert.Equal(2, outcome.Result.State.HeldOutLog.Count);
        Assert.Equal(8, outcome.Result.State.Log.Count);   // 8 training documents in batches of 2, 2 passes: every step logged
        Assert.Equal(8, backend.TopicWordBoundCalls);
        Assert.Equal(8, backend.SumElogBetaCalls);
        Assert.Equal(2, backend.CompletionCalls);           // one batch of held-out documents per pass
        if (backend.Inner is GpuBackend gpu) Assert.Equal(1, gpu.LambdaDownloads);
    }

    private static CountingBackend Counted(ILdaBackend inner, List<CountingBackend> all)
    {
        var backend = new CountingBackend(inner);
        all.Add(backend);
        return backend;
    }

    private static (InMemoryCorpus Corpus, Vocabulary Vocabulary) Corpus()
    {
        var corpus = new InMemoryCorpus(12);   // 10 documents of 6 tokens, so the 2 held out have halves to score
        for (int d = 0; d < 10; d++)
        {
            int[] ids = [d % 12, (d + 3) % 12, (d + 7) % 12];
            Array.Sort(ids);
            corpus.Add("d" + d, ids, [2f, 1f, 3f]);
        }
        var vocabulary = new Vocabulary();
        for (int w = 0; w < 12; w++) vocabulary.Add("term" + w);
        return (corpus, vocabulary);
    }

    /// <summary>Passes everything to <see cref="Inner"/> and counts the calls that read all of λ.</summary>
    private sealed class CountingBackend(ILdaBackend inner) : ILdaBackend
    {
        public ILdaBackend Inner => inner;
        public int GetLambdaCalls { get; private set; }
        public int TopicWordBoundCalls { get; private set; }
        public int SumElogBetaCalls { get; private set; }
        public int CompletionCalls { get; private set; }

        public string Name => inner.Name;
        public int Topics => inner.Topics;
        public int VocabularySize => inner.VocabularySize;
        public void SetLambda(ReadOnlySpan<float> lambda, int vocabularySize) => inner.SetLambda(lambda, vocabularySize);
        public LocalStepResult LocalStep(SparseBatch batch, ReadOnlySpan<float> alpha, LocalStepOptions options, Span<float> gamma,
            bool accumulateStatistics, bool computeBound, ReadOnlySpan<float> initialGamma = default) =>
            inner.LocalStep(batch, alpha, options, gamma, accumulateStatistics, computeBound, initialGamma);
        public void GlobalStep(float rho, float eta, float scale) => inner.GlobalStep(rho, eta, scale);
        public void GetLambda(Span<float> lambda) { GetLambdaCalls++; inner.GetLambda(lambda); }
        public double TopicWordBound(float eta) { TopicWordBoundCalls++; return inner.TopicWordBound(eta); }
        public double SumElogBeta() { SumElogBetaCalls++; return inner.SumElogBeta(); }
        public double CompletionLogLikelihood(SparseBatch scored, ReadOnlySpan<float> gamma) { CompletionCalls++; return inner.CompletionLogLikelihood(scored, gamma); }
        public void Dispose() => inner.Dispose();
    }
}
