using System.Collections.Concurrent;
using System.Diagnostics;
using TopicEngine.Corpus;
using TopicEngine.Model;
using TopicEngine.Storage;
using TopicEngine.Synthetic;
using Xunit.Abstractions;

namespace TopicEngine.Tests;

/// <summary>
/// SQLite's standard for model directories and prepared corpora (issue 10): whatever the moment of a crash, the folder
/// holds the complete previous version or the complete new one. The built CLI runs <c>fit</c> (over an existing model,
/// with checkpoints), <c>update</c> (in place) and <c>prepare</c> (over an existing corpus) in child processes that are
/// killed with SIGKILL at random moments, from the first milliseconds to past the final switch. After every kill the
/// folder is loaded (every checksum verified) and must be one of the two versions; a checkpoint left by a killed fit must
/// resume; and the next successful run leaves no temporary folder. Readers in this process load and infer in a loop
/// while the updates are killed.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper log)
{
    /// <summary><c>TOPICENGINE_KILL_SCALE</c> (default 1) multiplies the kills per command here and in
    /// <see cref="IndexCrashSafetyTests"/>, for soak runs (tests/soak.sh).</summary>
    internal static int KillScale => int.TryParse(Environment.GetEnvironmentVariable("TOPICENGINE_KILL_SCALE"), out int s) && s > 0 ? s : 1;

    private static readonly int KillsPerCommand = 20 * KillScale;
    private const int Vocabulary = 300;

    /// <summary>Two small UCI corpora over the same term names (the second for updates).</summary>
    private static (string First, string Second) Corpora(TempDirectory dir)
    {
        var terms = Enumerable.Range(0, Vocabulary).Select(w => SyntheticCorpusWriter.TermName(w, Vocabulary)).ToArray();
        var corpus = SyntheticLda.Generate(new SyntheticLdaOptions { Topics = 5, VocabularySize = Vocabulary, Documents = 900, DocumentLength = 60, Seed = 3 }).Corpus;
        return (UciTestFiles.Write(dir.File("first"), "first", corpus, 0, 600, terms), UciTestFiles.Write(dir.File("second"), "second", corpus, 600, 300, terms));
    }

    private static string[] FitArgs(string docword, string output) =>
        ["fit", "--input", docword, "--format", "uci", "--min-df", "1", "--max-df", "1", "--topics", "5", "--passes", "3", "--batch-size", "50",
         "--threads", "1", "--seed", "4", "--device", "cpu", "--checkpoint-every", "3", "--out", output];

    [Fact]
    public async Task FitKilledAtRandomMomentsLeavesTheOldOrTheNewModelAndResumableCheckpoints()
    {
        using var dir = new TempDirectory();
        var (docword, _) = Corpora(dir);
        string model = dir.File("model");
        await RunToTheEnd(FitArgs(docword, model));
        var random = new Random(10);
        double seconds = await TimedRun(FitArgs(docword, model));
        int checkpointsResumed = 0, unchanged = 0, completed = 0;
        for (int kill = 0; kill < KillsPerCommand; kill++)
        {
            var before = await ModelDirectory.VerifyAsync(model);
            if (kill is >= 3 and < 6) await KillAtTheNextSwitch(FitArgs(docword, model), model);   // right after a checkpoint
            else await KillAfter(FitArgs(docword, model), Delay(random, kill, seconds));
            var after = await ModelDirectory.LoadAsync(model);   // every file present and matching its checksum
            Assert.True(after.Updated >= before.Updated, "an older version came back");
            if (after.Updated == before.Updated) unchanged++;
            else if (after.Updates[^1].Kind != FitCheckpoint.Kind) completed++;
            if (after.Updates[^1].Kind == FitCheckpoint.Kind)
            {
                var (exit, _, error) = await ChildCli.RunAsync([.. FitArgs(docword, model), "--resume", model]);
                Assert.True(exit == 0, $"resume from the checkpoint left by kill {kill}: {error}");
                checkpointsResumed++;
            }
        }
        log.WriteLine($"fit: {KillsPerCommand} kills over {seconds:F2} s runs: {unchanged} left the previous model, {checkpointsResumed} a checkpoint (each resumed), {completed} the new model");
        await RunToTheEnd(FitArgs(docword, model));
        AssertTidy(model);
        Assert.True(checkpointsResumed > 0, "no kill landed while a checkpoint was current: the kill times missed the fit");
    }

    [Fact]
    public async Task UpdateInPlaceKilledAtRandomMomentsLeavesTheOldOrTheNewModelWhileReadersLoadAndInfer()
    {
        using var dir = new TempDirectory();
        var (first, second) = Corpora(dir);
        string model = dir.File("model");
        await RunToTheEnd([.. FitArgs(first, model)[..^4], "--out", model]);
        string[] update = ["update", "--model", model, "--input", second, "--format", "uci", "--threads", "1", "--batch-size", "50", "--device", "cpu"];
        double seconds = await TimedRun(update);

        // readers: load the model and infer a fixed document in a loop; θ per version (model.json updated) must never vary
        using var stop = new CancellationTokenSource();
        var thetas = new ConcurrentDictionary<DateTimeOffset, float[]>();
        var failures = new ConcurrentQueue<string>();
        int loads = 0;
        string text = string.Join(' ', Enumerable.Range(0, 40).Select(w => SyntheticCorpusWriter.TermName(w * 7 % Vocabulary, Vocabulary)));
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var loaded = TopicModel.Load(model);
                    var theta = loaded.Infer(text).Theta.ToArray();
                    var first = thetas.GetOrAdd(loaded.Updated, theta);
                    if (!first.SequenceEqual(theta)) failures.Enqueue($"version {loaded.Updated:O} gave two different θ");
                    Interlocked.Increment(ref loads);
                    Thread.Sleep(5);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        })).ToArray();

        var random = new Random(11);
        int unchanged = 0;
        try
        {
            for (int kill = 0; kill < KillsPerCommand; kill++)
            {
                var before = await ModelDirectory.VerifyAsync(model);
                await KillAfter(update, Delay(random, kill, seconds));
                var after = await ModelDirectory.LoadAsync(model);
                if (after.Updated == before.Updated) unchanged++;
                Assert.True(after.Steps == before.Steps && after.Updated == before.Updated || after.Steps > before.Steps && after.Updated > before.Updated,
                    $"kill {kill}: neither the model before (t = {before.Steps}) nor a completed update (t = {after.Steps})");
            }
            await RunToTheEnd(update);
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(readers);
        }
        log.WriteLine($"update: {KillsPerCommand} kills over {seconds:F2} s runs: {unchanged} left the previous model, {KillsPerCommand - unchanged} the updated one; readers: {loads} loads of {thetas.Count} versions, {failures.Count} failures");
        AssertTidy(model);
        Assert.True(failures.IsEmpty, $"{failures.Count} reader failures, first: {failures.FirstOrDefault()}");
        Assert.True(loads > 0 && thetas.Count >= 2, $"{loads} loads saw {thetas.Count} versions");
    }

    [Fact]
    public async Task PrepareKilledAtRandomMomentsLeavesTheOldOrTheNewCorpus()
    {
        using var dir = new TempDirectory();
        var (first, second) = Corpora(dir);
        string prepared = dir.File("prepared");
        string[] Prepare(string input) => ["prepare", "--input", input, "--format", "uci", "--min-df", "1", "--max-df", "1", "--out", prepared];
        await RunToTheEnd(Prepare(first));
        double seconds = await TimedRun(Prepare(second));
        var random = new Random(12);
        int replaced = 0;
        for (int kill = 0; kill < KillsPerCommand; kill++)
        {
            string input = kill % 2 == 0 ? first : second;   // the two versions differ: 600 or 300 documents
            int before = PreparedCorpus.Open(prepared).DocumentCount;
            await KillAfter(Prepare(input), Delay(random, kill, seconds));
            var corpus = PreparedCorpus.Open(prepared);
            if (corpus.DocumentCount != before) replaced++;
            Assert.Contains(corpus.DocumentCount, new[] { 600, 300 });
            Assert.Equal(corpus.DocumentCount, corpus.ReadBatches(128).Sum(b => b.DocumentCount));   // corpus.bin complete
        }
        log.WriteLine($"prepare: {KillsPerCommand} kills over {seconds:F2} s runs: {KillsPerCommand - replaced} left the previous corpus, {replaced} the new one");
        await RunToTheEnd(Prepare(first));
        AssertTidy(prepared);
        Assert.Equal(600, PreparedCorpus.Open(prepared).DocumentCount);
    }

    [Fact]
    public async Task ALoadedModelKeepsAnsweringAfterItsDirectoryIsReplacedAndLoadReturnsTheNewVersion()
    {
        using var dir = new TempDirectory();
        var (first, second) = Corpora(dir);
        string model = dir.File("model");
        await RunToTheEnd([.. FitArgs(first, model)[..^4], "--out", model]);
        string text = string.Join(' ', Enumerable.Range(0, 30).Select(w => SyntheticCorpusWriter.TermName(w * 3, Vocabulary)));
        using var old = TopicModel.Load(model);
        var thetaBefore = old.Infer(text).Theta.ToArray();

        var trainer = new TopicTrainer(new TopicTrainerOptions { Training = new Inference.TrainingOptions { Threads = 1 }, Device = "cpu" });
        var report = await trainer.UpdateAsync(model, CorpusInput.FromPaths([second], CorpusFormat.Uci));

        Assert.Equal(thetaBefore, old.Infer(text).Theta.ToArray());   // the loaded model answers from its own version
        using var fresh = TopicModel.Load(model);
        Assert.Equal(report.Steps, fresh.Steps);
        Assert.True(fresh.Updated > old.Updated && fresh.Steps > old.Steps);
        Assert.NotEqual(thetaBefore, fresh.Infer(text).Theta.ToArray());
    }

    /// <summary>The first kills come in the first milliseconds; the rest spread uniformly over 1.2 × a whole run.</summary>
    internal static TimeSpan Delay(Random random, int kill, double seconds) =>
        TimeSpan.FromSeconds(kill < 3 ? kill * 0.005 : random.NextDouble() * 1.2 * seconds);

    internal static async Task KillAfter(string[] args, TimeSpan delay)
    {
        using var child = ChildCli.Start(args);
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(delay)) child.Kill();   // SIGKILL on Unix
        await child.WaitForExitAsync();
        await Task.WhenAll(output, error);
    }

    /// <summary>Kills the child right after the folder's next switch (the first checkpoint, for a fit), whenever that comes.</summary>
    private static async Task KillAtTheNextSwitch(string[] args, string directory)
    {
        string pointer = Path.Combine(directory, VersionedDirectory.PointerFile);
        string before = File.ReadAllText(pointer);
        using var child = ChildCli.Start(args);
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!child.HasExited && DateTime.UtcNow < deadline && File.ReadAllText(pointer) == before) await Task.Delay(2);
        if (!child.HasExited) child.Kill();
        await child.WaitForExitAsync();
        await Task.WhenAll(output, error);
    }

    internal static async Task RunToTheEnd(string[] args)
    {
        var (exit, _, error) = await ChildCli.RunAsync(args);
        Assert.True(exit == 0, error);
    }

    /// <summary>Seconds one whole run takes (process start included).</summary>
    internal static async Task<double> TimedRun(string[] args)
    {
        var clock = Stopwatch.StartNew();
        await RunToTheEnd(args);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>After a successful run: the current version and at most the previous one, no unfinished version, no work
    /// folder, no stray temporary file, and nothing beside the folder.</summary>
    private static void AssertTidy(string directory)
    {
        var versions = Directory.GetDirectories(Path.Combine(directory, VersionedDirectory.VersionsFolder)).Select(Path.GetFileName).ToArray();
        Assert.InRange(versions.Length, 1, 2);
        Assert.DoesNotContain(versions, v => v!.EndsWith(".tmp", StringComparison.Ordinal));
        var top = Directory.GetFileSystemEntries(directory).Select(e => Path.GetFileName(e)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { VersionedDirectory.PointerFile, VersionedDirectory.LinkName, VersionedDirectory.VersionsFolder }, top);
        var parent = Path.GetDirectoryName(directory)!;
        Assert.DoesNotContain(Directory.GetFileSystemEntries(parent), e => Path.GetFileName(e).StartsWith('.'));
    }
}
