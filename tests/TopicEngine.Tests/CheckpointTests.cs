using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Storage;
using TopicEngine.Synthetic;
using TopicEngine.Text;

namespace TopicEngine.Tests;

public sealed class CheckpointTests
{
    private const int K = 8, V = 600;

    private static readonly SyntheticCorpus Truth = SyntheticLda.Generate(new SyntheticLdaOptions
    {
        Topics = K, VocabularySize = V, Documents = 1200, DocumentLength = 80, Seed = 3,
    });

    private static Vocabulary Vocabulary()
    {
        var vocabulary = new Vocabulary();
        for (int w = 0; w < V; w++) vocabulary.Add(SyntheticCorpusWriter.TermName(w, V));
        return vocabulary;
    }

    private static FitRequest Request(string output, TrainingOptions? options = null, string? resume = null) =>
        new(Truth.Corpus, Vocabulary(), null,
            options ?? new TrainingOptions { Topics = K, Passes = 2, BatchSize = 50, Seed = 7, Threads = 2, CheckpointEvery = 5, EvalEvery = 3 },
            k => new CpuBackend(k, threads: 2), output, ResumeDirectory: resume);

    /// <summary>Runs a fit and cancels it once it has done <paramref name="steps"/> global steps (FitJob returns after the last checkpoint is written).</summary>
    internal static async Task InterruptedFit(FitRequest request, long steps)
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Step >= steps) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FitJob.RunAsync(request, progress, cancel.Token));
    }

    [Fact]
    public async Task ResumingAnInterruptedFitGivesTheSameLambdaAsAnUninterruptedFit()
    {
        using var dir = new TempDirectory();
        await FitJob.RunAsync(Request(dir.File("whole")));
        await InterruptedFit(Request(dir.File("resumed")), steps: 27);

        var checkpoint = await ModelDirectory.LoadAsync(dir.File("resumed"));
        Assert.Equal(FitCheckpoint.Kind, checkpoint.Updates[^1].Kind);
        Assert.Equal(25, checkpoint.Steps);   // the last multiple of --checkpoint-every before the cancellation
        await FitJob.RunAsync(Request(dir.File("resumed"), resume: dir.File("resumed")));

        var whole = await ModelDirectory.LoadAsync(dir.File("whole"));
        var resumed = await ModelDirectory.LoadAsync(dir.File("resumed"));
        Assert.Equal(whole.Steps, resumed.Steps);
        Assert.Equal(whole.Lambda, resumed.Lambda);
        Assert.Equal(whole.TrainingLog.Select(r => (r.Step, r.ElboPerWord)), resumed.TrainingLog.Select(r => (r.Step, r.ElboPerWord)));
        Assert.Equal("fit", resumed.Updates[^1].Kind);
    }

    [Fact]
    public async Task ACheckpointLeftAsideByAKillBetweenTheTwoRenamesIsPutBackInPlace()
    {
        using var dir = new TempDirectory();
        await InterruptedFit(Request(dir.File("model")), steps: 12);
        Directory.Move(dir.File("model"), dir.File($".model.tmp-{Guid.NewGuid():N}.old"));
        Directory.CreateDirectory(dir.File($".model.tmp-{Guid.NewGuid():N}"));   // a replacement that never completed

        var checkpoint = await FitCheckpoint.LoadAsync(dir.File("model"));
        Assert.Equal(10, checkpoint.Steps);
        Assert.True(File.Exists(dir.Current("model/model.json")));
    }

    [Fact]
    public async Task ResumingWithOtherOptionsNamesTheFlagThatDiffers()
    {
        using var dir = new TempDirectory();
        await InterruptedFit(Request(dir.File("model")), steps: 12);
        var other = Request(dir.File("model"), new TrainingOptions { Topics = K, Passes = 2, BatchSize = 64, Seed = 7, Threads = 2, CheckpointEvery = 5, EvalEvery = 3 }, dir.File("model"));

        var error = await Assert.ThrowsAsync<TopicEngineException>(() => FitJob.RunAsync(other));
        Assert.Equal($"--resume {dir.File("model")}: the checkpoint has --batch-size 50 but this fit has 64; resume with the same corpus and options", error.Message);
    }

    /// <summary>Checkpoints written before <c>--start</c> existed started λ at random: resuming one with the random start
    /// goes on, and with the corpus start (today's default) is refused, naming the flag.</summary>
    [Fact]
    public async Task ACheckpointThatPredatesTheStartSettingResumesAsTheRandomStart()
    {
        using var dir = new TempDirectory();
        var random = new TrainingOptions { Topics = K, Passes = 2, BatchSize = 50, Seed = 7, Threads = 2, CheckpointEvery = 5, EvalEvery = 3, Start = LambdaStart.Random };
        await InterruptedFit(Request(dir.File("model"), random), steps: 12);
        string manifest = dir.Current("model/model.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        Assert.True(json["trainer"]!["fit_options"]!.AsObject().Remove("--start"));
        File.WriteAllText(manifest, json.ToJsonString());

        var error = await Assert.ThrowsAsync<TopicEngineException>(() => FitJob.RunAsync(Request(dir.File("model"), random with { Start = LambdaStart.Corpus }, dir.File("model"))));
        Assert.Equal($"--resume {dir.File("model")}: the checkpoint has --start random but this fit has corpus; resume with the same corpus and options", error.Message);
        await FitJob.RunAsync(Request(dir.File("model"), random, dir.File("model")));
        Assert.Equal("fit", (await ModelDirectory.LoadAsync(dir.File("model"))).Updates[^1].Kind);
    }

    [Fact]
    public async Task ResumingAFinishedModelIsRefused()
    {
        using var dir = new TempDirectory();
        await FitJob.RunAsync(Request(dir.File("model")));

        var error = await Assert.ThrowsAsync<TopicEngineException>(() => FitJob.RunAsync(Request(dir.File("model"), resume: dir.File("model"))));
        Assert.Contains("is not a checkpoint", error.Message);
    }

    /// <summary>
    /// The real thing: the built CLI fits in a child process with --checkpoint-every and is killed with SIGKILL
    /// once a checkpoint exists; fit --resume in another process then finishes, and lambda.parquet holds exactly
    /// the values of an uninterrupted fit with the same seed and threads. With <c>--warm-start on</c> the resumed fit
    /// reads the γ rows the killed one wrote (DIR/.work-warm-start), and the folder is gone once the fit completes.
    /// </summary>
    [Theory]
    [InlineData("off")]
    [InlineData("on")]
    public async Task AFitKilledWithSigkillAndResumedEqualsAnUninterruptedFit(string warmStart)
    {
        using var dir = new TempDirectory();
        var corpus = SyntheticLda.Generate(new SyntheticLdaOptions { Topics = 20, VocabularySize = 2000, Documents = 2000, DocumentLength = 120, Seed = 5 });
        string docword = UciTestFiles.Write(dir.File("in"), "kill", corpus.Corpus, 0, 2000,
            Enumerable.Range(0, 2000).Select(w => SyntheticCorpusWriter.TermName(w, 2000)).ToArray());
        string[] fit = ["fit", "--input", docword, "--format", "uci", "--min-df", "1", "--max-df", "1", "--topics", "20", "--passes", "4",
            "--batch-size", "8", "--threads", "1", "--seed", "3", "--device", "cpu", "--eval-every", "0", "--max-iterations", "200", "--tolerance", "0.0001",
            "--warm-start", warmStart, "--order", warmStart == "on" ? "corpus" : "shuffled"];

        using (var child = ChildCli.Start([.. fit, "--checkpoint-every", "10", "--out", dir.File("killed")]))
        {
            var output = child.StandardOutput.ReadToEndAsync();
            var error = child.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(dir.File("killed/CURRENT")) && !child.HasExited && DateTime.UtcNow < deadline) await Task.Delay(10);
            await Task.Delay(100);   // a few more checkpoints; the whole fit takes seconds (four passes, so that a loaded
                                     // machine still finds it running: with two, a CI run beside other builds saw it end first)
            bool running = !child.HasExited;
            if (running) child.Kill();   // SIGKILL on Unix
            await child.WaitForExitAsync();
            Assert.True(running, $"the fit ended before it could be killed: {await error}");
        }
        var checkpoint = await FitCheckpoint.LoadAsync(dir.File("killed"));   // as fit --resume finds it
        Assert.Equal(FitCheckpoint.Kind, checkpoint.Updates[^1].Kind);
        Assert.InRange(checkpoint.Steps, 10, 4 * 250 - 1);

        var (resumeExit, _, resumeError) = await ChildCli.RunAsync([.. fit, "--resume", dir.File("killed")]);
        Assert.True(resumeExit == 0, resumeError);
        var (wholeExit, _, wholeError) = await ChildCli.RunAsync([.. fit, "--out", dir.File("whole")]);
        Assert.True(wholeExit == 0, wholeError);

        var resumed = await ModelDirectory.LoadAsync(dir.File("killed"));
        var whole = await ModelDirectory.LoadAsync(dir.File("whole"));
        Assert.Equal(whole.Steps, resumed.Steps);
        Assert.Equal(await LambdaFile.ReadAsync(dir.Current("whole/lambda.parquet"), 20, whole.VocabularySize),
            await LambdaFile.ReadAsync(dir.Current("killed/lambda.parquet"), 20, resumed.VocabularySize));
        Assert.False(Directory.Exists(dir.File("killed/.work-warm-start")), "the warm-start γ outlived the completed fit");
    }
}
