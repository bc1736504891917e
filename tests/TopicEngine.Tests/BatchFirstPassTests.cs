using TopicEngine.Backends;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Synthetic;
using TopicEngine.Text;

namespace TopicEngine.Tests;

/// <summary>
/// <see cref="TrainingOptions.BatchFirstPass"/> (<c>--first-pass batch</c>): the first pass of an online fit is one batch
/// step (the first iteration of batch VB), the later passes are online from there, and such a fit resumes bit for bit
/// and refuses a checkpoint of the other setting.
/// </summary>
public sealed class BatchFirstPassTests
{
    private const int K = 6, V = 200, BatchSize = 40, Documents = 400;

    private static readonly SyntheticCorpus Truth = SyntheticLda.Generate(new SyntheticLdaOptions
    {
        Topics = 3, VocabularySize = V, Documents = Documents, DocumentLength = 50, Seed = 5,
    });

    private static TrainingOptions Options(int passes, bool batchFirstPass) => new()
    {
        Topics = K, Passes = passes, BatchSize = BatchSize, Seed = 2, Threads = 1, HoldoutFraction = 0,
        Order = DocumentOrder.Corpus, BatchFirstPass = batchFirstPass,
    };

    private static TrainingResult Fit(TrainingOptions options) =>
        new TestTrainer(options, k => new CpuBackend(k, threads: 1)).Fit(Truth.Corpus);

    [Fact]
    public void TheFirstPassIsOneBatchStepAsInBatchMode()
    {
        var firstPass = Fit(Options(1, batchFirstPass: true));
        var batchMode = Fit(Options(1, batchFirstPass: false) with { Mode = TrainingMode.Batch });
        var online = Fit(Options(1, batchFirstPass: false));

        Assert.Equal(1, firstPass.State.Step);
        Assert.Equal(Documents / BatchSize, online.State.Step);
        for (int i = 0; i < firstPass.Lambda.Length; i++)
            Assert.Equal(batchMode.Lambda[i], firstPass.Lambda[i], 1e-4 * Math.Max(1, Math.Abs(batchMode.Lambda[i])));
        Assert.NotEqual(online.Lambda, firstPass.Lambda);
    }

    [Fact]
    public void ThePassesAfterTheFirstTakeAStepPerMiniBatch()
    {
        var fit = Fit(Options(3, batchFirstPass: true));
        var batchMode = Fit(Options(3, batchFirstPass: false) with { Mode = TrainingMode.Batch });

        Assert.Equal(1 + 2 * Documents / BatchSize, fit.State.Step);
        Assert.Equal(3, batchMode.State.Step);
        Assert.Equal(fit.Lambda, Fit(Options(3, batchFirstPass: true)).Lambda);   // deterministic
    }

    [Fact]
    public void TheFirstPassReportsTheBatchesItHasGathered()
    {
        var reports = new List<TrainingProgress>();
        new TestTrainer(Options(2, batchFirstPass: true), k => new CpuBackend(k, threads: 1)).Fit(Truth.Corpus, new SynchronousProgress(reports.Add));

        var gathering = reports.Where(p => p.Pass == 1 && p.Step == 0).Select(p => p.BatchInPass).ToArray();
        Assert.Equal(Enumerable.Range(1, Documents / BatchSize), gathering);
        Assert.All(reports.Where(p => p.Pass == 1), p => Assert.Equal(1, p.Rho));
        Assert.Contains(reports, p => p.Pass == 2 && p.Step > 1 && p.Rho < 1);
    }

    private static FitRequest Request(string output, bool batchFirstPass, string? resume = null)
    {
        var vocabulary = new Vocabulary();
        for (int w = 0; w < V; w++) vocabulary.Add(SyntheticCorpusWriter.TermName(w, V));
        return new FitRequest(Truth.Corpus, vocabulary, null, Options(3, batchFirstPass) with { CheckpointEvery = 100 },
            k => new CpuBackend(k, threads: 1), output, ResumeDirectory: resume);
    }

    [Fact]
    public async Task AFitWithABatchFirstPassResumedFromACheckpointEqualsTheUninterruptedFit()
    {
        using var dir = new TempDirectory();
        await FitJob.RunAsync(Request(dir.File("whole"), batchFirstPass: true));
        // checkpoints at pass ends only; cancelled in pass 2, so the fit resumes from the batch step of pass 1
        await CheckpointTests.InterruptedFit(Request(dir.File("resumed"), batchFirstPass: true), steps: 4);
        Assert.Equal(1, (await ModelDirectory.LoadAsync(dir.File("resumed"))).Steps);
        await FitJob.RunAsync(Request(dir.File("resumed"), batchFirstPass: true, resume: dir.File("resumed")));

        var whole = await ModelDirectory.LoadAsync(dir.File("whole"));
        var resumed = await ModelDirectory.LoadAsync(dir.File("resumed"));
        Assert.Equal(whole.Steps, resumed.Steps);
        Assert.Equal(whole.Lambda, resumed.Lambda);
    }

    [Fact]
    public async Task ResumingWithTheOtherFirstPassNamesTheFlag()
    {
        using var dir = new TempDirectory();
        await CheckpointTests.InterruptedFit(Request(dir.File("model"), batchFirstPass: true), steps: 4);

        var error = await Assert.ThrowsAsync<TopicEngineException>(() =>
            FitJob.RunAsync(Request(dir.File("model"), batchFirstPass: false, resume: dir.File("model"))));
        Assert.Contains("the checkpoint has --first-pass batch but this fit has online", error.Message);
    }
}
