
namespace TopicEngine.Tests;

/// <summary>Tests that swap Console.Out/Error run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

[Collection(nameof(ConsoleCollection))]
public sealed class PrepareCommandTests
{
    private static (int Exit, string Out, string Error) Run(params string[] args) => CliRun.Run(args);

    private static TempDirectory Corpus()
    {
        var dir = new TempDirectory();
        for (int i = 0; i < 12; i++)
            dir.Write($"in/{i:D2}.txt", i % 2 == 0 ? "graphics card driver memory" : "space shuttle orbit launch");
        return dir;
    }

    [Fact]
    public void PreparePrintsTheSummaryLineAndWritesTheFolder()
    {
        using var dir = Corpus();
        var (exit, output, error) = Run("prepare", "--input", dir.File("in"), "--out", dir.File("out"), "--min-df", "2", "--max-df", "0.9");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("documents: 12, tokens: 48, vocabulary: 8", lines);
        Assert.Contains(lines, l => l.StartsWith("time: ") && l.Contains("tokens/s"));
        Assert.True(File.Exists(dir.Current("out/corpus.bin")));
        Assert.True(File.Exists(dir.Current("out/vocabulary.parquet")));
        Assert.True(File.Exists(dir.Current("out/corpus.json")));
    }

    [Fact]
    public void AMissingInputIsOneLineOnStderrAndExitCodeOne()
    {
        using var dir = new TempDirectory();
        var (exit, _, error) = Run("prepare", "--input", dir.File("nope"), "--out", dir.File("out"));
        Assert.Equal(1, exit);
        Assert.Equal($"error: input '{dir.File("nope")}' does not exist", error.Trim());
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void PruningToNothingSuggestsTheFlagAndLeavesNoFolder()
    {
        using var dir = Corpus();
        // Every term is in 6 of the 12 documents.
        var (exit, _, error) = Run("prepare", "--input", dir.File("in"), "--out", dir.File("out"), "--min-df", "7");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: vocabulary is empty after pruning", error.Trim());
        Assert.Contains("lower --min-df", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(["in"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ABadJsonLineNamesFileAndLineAndSkipModeReportsTheCount()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.jsonl", string.Join('\n', Enumerable.Range(0, 10).Select(i => $"{{\"text\": \"graphics card {i}\"}}")) + "\n{oops\n");
        var (exit, _, error) = Run("prepare", "--input", path, "--out", dir.File("out"), "--min-df", "1", "--max-df", "1");
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: {path}:11: not valid JSON", error.Trim());
        Assert.False(Directory.Exists(dir.File("out")));

        (exit, var output, error) = Run("prepare", "--input", path, "--out", dir.File("out"), "--min-df", "1", "--max-df", "1", "--on-error", "skip");
        Assert.Equal(0, exit);
        Assert.Contains("documents: 10, tokens: 20, vocabulary: 2", output);
        Assert.Contains("skipped 1 records", error);
    }

    [Fact]
    public void AnUnknownFormatIsAUserError()
    {
        using var dir = Corpus();
        var (exit, _, error) = Run("prepare", "--input", dir.File("in"), "--out", dir.File("out"), "--format", "rtf");
        Assert.Equal(1, exit);
        Assert.Contains("unknown format 'rtf'", error);
    }

    [Fact]
    public void WithoutInputTheDotnetApiReferenceIsPreparedAndNamed()
    {
        using var dir = new TempDirectory();
        var (exit, output, error) = Run("prepare", "--out", dir.File("out"));
        Assert.True(exit == 0, error);
        Assert.Matches(@"corpus: \.NET API reference \([\d,]+ documents, from .+\)", output);
        Assert.Matches(@"documents: \d+, tokens: \d+, vocabulary: \d+", output);
    }
}
