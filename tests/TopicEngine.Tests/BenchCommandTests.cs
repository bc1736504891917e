using System.Text.Json;
using TopicEngine.Cli.Commands;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Synthetic;

namespace TopicEngine.Tests;

/// <summary><c>topic-engine bench</c> through the CLI on tiny corpora: one result per K, the cache reused, bad flags.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class BenchCommandTests
{
    private static readonly string[] TinyShape = ["--docs", "500", "--vocab", "300", "--doc-length", "40", "--true-topics", "6", "--seed", "3"];

    private static (int Exit, string Out, string Error) Bench(string cache, params string[] args) =>
        CliRun.Run(["bench", "--cache", cache, "--device", "cpu", "--threads", "2", "--warmup-seconds", "0.2", .. TinyShape, .. args]);

    private static void AssertPositiveFinite(JsonElement row, string name)
    {
        double value = row.GetProperty(name).GetDouble();
        Assert.True(double.IsFinite(value) && value > 0, $"{name} = {value}");
    }

    [Fact]
    public void JsonHasOneRowPerTopicCountWithPositiveFiniteTimings()
    {
        using var temp = new TempDirectory();
        var (exit, output, error) = Bench(temp.Path, "--topics", "5,7", "--passes", "2", "--json");
        Assert.True(exit == 0, error);

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("cpu", root.GetProperty("device").GetProperty("kind").GetString());
        Assert.Equal(2, root.GetProperty("device").GetProperty("threads").GetInt32());
        var corpus = root.GetProperty("corpus");
        Assert.Equal("synthetic", corpus.GetProperty("source").GetString());
        Assert.Equal(500, corpus.GetProperty("documents").GetInt64());
        Assert.Equal(300, corpus.GetProperty("vocabulary").GetInt32());
        Assert.True(corpus.GetProperty("generated").GetBoolean());
        long tokens = corpus.GetProperty("tokens").GetInt64(), nonZeros = corpus.GetProperty("non_zeros").GetInt64();
        Assert.InRange(tokens, 500 * 40 * 9 / 10, 500 * 40 * 11 / 10);
        Assert.InRange(nonZeros, 1, tokens);

        Assert.Equal(64, root.GetProperty("batch_size").GetInt32());   // auto, as fit: D/10 = 50 raised to the smallest automatic size
        var rows = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([5, 7], rows.Select(r => r.GetProperty("topics").GetInt32()));
        foreach (var row in rows)
        {
            Assert.Equal(2, row.GetProperty("passes").GetInt32());
            Assert.Equal(2, row.GetProperty("pass_seconds").GetArrayLength());
            foreach (var name in (string[])["seconds_per_pass", "tokens_per_second", "non_zeros_per_second", "local_seconds_per_pass",
                "global_seconds_per_pass", "wall_seconds_per_pass", "iterations_per_document", "host_memory_bytes"])
                AssertPositiveFinite(row, name);
            // tokens/s is the corpus's tokens over the mean compute seconds of a pass
            double expected = tokens / row.GetProperty("seconds_per_pass").GetDouble();
            Assert.Equal(expected, row.GetProperty("tokens_per_second").GetDouble(), expected * 1e-9);
            Assert.False(row.GetProperty("first_pass_includes_compilation").GetBoolean());
        }
        Assert.Contains("device: cpu", error);
    }

    [Fact]
    public void PlainOutputIsOneLinePerTopicCount()
    {
        using var temp = new TempDirectory();
        var (exit, output, error) = Bench(temp.Path, "--topics", "3,4", "--warmup-docs", "0");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^device: cpu: chosen with --device cpu \(.+, 2 threads\)$", lines[0]);
        Assert.Matches(@"^corpus: synthetic, 500 documents, [\d,]+ tokens, [\d,]+ non-zeros, V=300 \(.+\)$", lines[1]);
        Assert.Matches(@"^K=3: \d+\.\d\d s/pass, [\d,]+ tokens/s, [\d,]+ non-zeros/s \(.*no warm-up: pass 1 includes JIT/kernel compilation\)$", lines[2]);
        Assert.StartsWith("K=4: ", lines[3]);
        Assert.Contains("K=3: memory: host ", error);
    }

    [Fact]
    public void TheGeneratedCorpusIsReusedOnTheSecondRun()
    {
        using var temp = new TempDirectory();
        var first = Bench(temp.Path, "--topics", "3", "--json");
        Assert.True(first.Exit == 0, first.Error);
        string folder = Path.Combine(temp.Path, Directory.GetDirectories(temp.Path).Select(Path.GetFileName).Single()!);
        string corpusBin = Path.Combine(folder, CorpusFile.FileName);
        var written = File.GetLastWriteTimeUtc(corpusBin);
        File.SetLastWriteTimeUtc(corpusBin, written.AddHours(-1));   // a regenerated file would get a new time

        var second = Bench(temp.Path, "--topics", "3", "--batch-size", "100", "--json");
        Assert.True(second.Exit == 0, second.Error);
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(corpusBin));
        using var json = JsonDocument.Parse(second.Out);
        Assert.False(json.RootElement.GetProperty("corpus").GetProperty("generated").GetBoolean());
        Assert.Equal(100, json.RootElement.GetProperty("results")[0].GetProperty("batch_size").GetInt32());
        Assert.Contains("reused from the cache", second.Error);
        Assert.Single(Directory.GetDirectories(temp.Path));
    }

    [Theory]
    [InlineData("5,x")]
    [InlineData("0")]
    [InlineData("5,,7")]
    public void ABadTopicsValueGivesOneErrorLine(string topics)
    {
        using var temp = new TempDirectory();
        var (exit, output, error) = Bench(temp.Path, "--topics", topics);
        Assert.Equal(1, exit);
        Assert.Equal($"error: --topics must be positive whole numbers separated by commas (e.g. 100,1000), not '{topics}'", error.Trim());
        Assert.Empty(output);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task APreparedCorpusIsTimedAsItIs()
    {
        using var temp = new TempDirectory();
        var options = new SyntheticLdaOptions { Documents = 120, VocabularySize = 50, Topics = 3, DocumentLength = 20, Seed = 9 };
        var cached = await SyntheticCorpusCache.OpenOrCreateAsync(options, temp.File("made"));
        var (exit, output, error) = CliRun.Run("bench", "--corpus", cached.Corpus.Directory, "--device", "cpu", "--topics", "4", "--warmup-seconds", "0", "--json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var corpus = json.RootElement.GetProperty("corpus");
        Assert.Equal("prepared", corpus.GetProperty("source").GetString());
        Assert.Equal(120, corpus.GetProperty("documents").GetInt64());
        Assert.Equal(cached.Corpus.TokenCount, corpus.GetProperty("tokens").GetInt64());
    }

    [Fact]
    public async Task TheCachedCorpusHoldsTheGeneratorsDocuments()
    {
        using var temp = new TempDirectory();
        var options = new SyntheticLdaOptions { Documents = 70, VocabularySize = 40, Topics = 3, DocumentLength = 15, Seed = 4 };
        var cached = await SyntheticCorpusCache.OpenOrCreateAsync(options, temp.Path);
        Assert.True(cached.Created);
        var expected = new SyntheticLda(options).ReadBatches(70).Single();
        var actual = cached.Corpus.ReadBatches(70).Single();
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.Equal(expected.DocumentOffsets, actual.DocumentOffsets);
        Assert.Equal(expected.TermIds, actual.TermIds);
        Assert.Equal(expected.Counts, actual.Counts);
        Assert.Equal(40, cached.Corpus.VocabularySize);
        Assert.Equal(expected.NonZeroCount, cached.Corpus.Manifest.NonZeros);

        var again = await SyntheticCorpusCache.OpenOrCreateAsync(options, temp.Path);
        Assert.False(again.Created);
        var other = await SyntheticCorpusCache.OpenOrCreateAsync(options with { Seed = 5 }, temp.Path);
        Assert.True(other.Created);
        Assert.NotEqual(cached.Corpus.Directory, other.Corpus.Directory);
    }

    [Fact]
    public void WarmUpLeavesTheTimedPassesUnchanged()
    {
        // The timed passes start from λ's seeded start whether or not a warm-up ran first: same iterations.
        var corpus = SyntheticLda.Generate(new SyntheticLdaOptions { Documents = 90, VocabularySize = 30, Topics = 3, DocumentLength = 12, Seed = 2 }).Corpus;
        var benchmark = new TrainingBenchmark(corpus, k => new TopicEngine.Backends.CpuBackend(k, threads: 1));
        var cold = benchmark.Run(new TrainingBenchmarkSettings { Topics = 4, BatchSize = 16, WarmupDocuments = 0, Passes = 2 });
        var warm = benchmark.Run(new TrainingBenchmarkSettings { Topics = 4, BatchSize = 16, WarmupDocuments = 40, WarmupSeconds = 0, Passes = 2 });
        Assert.Equal(cold.Passes.Select(p => p.Iterations), warm.Passes.Select(p => p.Iterations));
        Assert.Equal(48, warm.WarmupDocuments);   // whole batches: 3 × 16 ≥ 40
        Assert.True(cold.FirstPassIncludesCompilation);
        Assert.False(warm.FirstPassIncludesCompilation);
        Assert.All(warm.Passes, p => Assert.Equal((6, 90L), (p.Batches, p.Documents)));
    }
}
