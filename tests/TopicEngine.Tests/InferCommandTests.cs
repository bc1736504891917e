using TopicEngine.Storage;
using TopicEngine.Model;
using TopicEngine.Corpus;

namespace TopicEngine.Tests;

/// <summary><c>topic-engine infer</c> through the CLI: exit codes, the summary lines, the rows written.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class InferCommandTests
{
    private static (int Exit, string Out, string Error) Run(params string[] args) => CliRun.Run(args);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static TempDirectory FittedModel(out Dictionary<string, string> texts)
    {
        var dir = new TempDirectory();
        texts = TopicTextCorpus.Write(dir, "in", documents: 45);
        var (exit, _, error) = Run("fit", "--input", dir.File("in"), "--out", dir.File("model"), "--topics", "3", "--passes", "3",
            "--batch-size", "16", "--min-df", "2", "--max-df", "0.95", "--device", "cpu", "--threads", "2", "--seed", "5");
        Assert.True(exit == 0, error);
        return dir;
    }

    private static async Task<List<DocTopicsRow>> ReadRows(string path, int topics)
    {
        var rows = new List<DocTopicsRow>();
        await foreach (var row in DocTopicsFile.ReadAsync(path, topics)) rows.Add(row);
        return rows;
    }

    [Fact]
    public async Task InferOfTheTrainingDocumentsAgreesWithDocTopics()
    {
        using var dir = FittedModel(out var texts);
        var (exit, output, error) = Run("infer", "--model", dir.File("model"), "--input", dir.File("in"), "--out", dir.File("new.parquet"),
            "--device", "cpu", "--threads", "2", "--batch-size", "7");
        Assert.True(exit == 0, error);
        var lines = Lines(output);
        Assert.Contains(lines, l => l.StartsWith("inferred 45 documents in ") && l.EndsWith(" documents/s"));
        Assert.Contains(lines, l => l.StartsWith("tokens: 1,800 known, 0 unknown (0.0%"));
        Assert.Equal($"wrote {dir.File("new.parquet")}", lines[^1]);
        Assert.Contains("device: cpu", error);

        var fitted = (await ReadRows(dir.Current("model/doc_topics.parquet"), 3)).ToDictionary(r => r.DocKey);
        var inferred = await ReadRows(dir.File("new.parquet"), 3);
        Assert.Equal(texts.Keys.Order(StringComparer.Ordinal), inferred.Select(r => r.DocKey));
        foreach (var row in inferred)
        {
            var expected = fitted[row.DocKey];
            for (int k = 0; k < 3; k++) Assert.Equal(expected.Theta[k], row.Theta[k], 1e-5f);
            Assert.Equal(expected.TopicId, row.TopicId);
            Assert.Equal(expected.TokenCount, row.TokenCount);
        }
    }

    [Fact]
    public async Task UnknownWordsAreReportedAndTheModelIsLeftUnchanged()
    {
        using var dir = FittedModel(out _);
        var before = Directory.GetFiles(dir.File("model")).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllBytes);
        dir.Write("new/a.txt", "orbit rocket launch zebra");
        dir.Write("new/b.txt", "quokka wombat");
        var (exit, output, error) = Run("infer", "-m", dir.File("model"), "-i", dir.File("new"), "-o", dir.File("out/new.parquet"), "--device", "cpu");
        Assert.True(exit == 0, error);
        Assert.Contains("tokens: 3 known, 3 unknown (50.0%, not in the model's vocabulary)", Lines(output));
        var rows = await ReadRows(dir.File("out/new.parquet"), 3);
        Assert.Equal(["a.txt", "b.txt"], rows.Select(r => r.DocKey));
        Assert.Equal([3L, 0L], rows.Select(r => r.TokenCount));
        Assert.All(rows, r => Assert.All(r.Theta, t => Assert.True(float.IsFinite(t) && t > 0)));
        foreach (var (name, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(dir.File($"model/{name}")));
    }

    [Fact]
    public async Task PreCountedInputMapsByTermName()
    {
        using var dir = FittedModel(out _);
        using var model = TopicModel.Load(dir.File("model"));
        // UCI with its own word order and one word the model lacks: document 1 = "rocket rocket orbit zebra".
        dir.Write("uci/vocab.new.txt", "zebra\norbit\nrocket\n");
        dir.Write("uci/docword.new.txt", "1\n3\n3\n1 1 1\n1 2 1\n1 3 2\n");
        var (exit, output, error) = Run("infer", "-m", dir.File("model"), "-i", dir.File("uci"), "-o", dir.File("uci.parquet"), "--device", "cpu");
        Assert.True(exit == 0, error);
        Assert.Contains("tokens: 3 known, 1 unknown (25.0%, not in the model's vocabulary)", Lines(output));
        var row = Assert.Single(await ReadRows(dir.File("uci.parquet"), 3));
        var expected = model.Infer("rocket rocket orbit zebra");
        Assert.Equal(expected.Theta.ToArray(), row.Theta);
        Assert.Equal(3, row.TokenCount);
    }

    [Fact]
    public void ABadRecordMidwayLeavesNoOutputFile()
    {
        using var dir = FittedModel(out _);
        var good = string.Join('\n', Enumerable.Range(0, 40).Select(i => $"{{\"text\": \"orbit rocket {i}\"}}"));
        dir.Write("new.jsonl", good + "\n{not json\n");
        var (exit, _, error) = Run("infer", "-m", dir.File("model"), "-i", dir.File("new.jsonl"), "-o", dir.File("new.parquet"), "--device", "cpu", "--batch-size", "8");
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: {dir.File("new.jsonl")}:41", Lines(error)[^1]);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.parquet*"));
    }

    [Fact]
    public void AMissingModelIsOneLineAndExitCodeOne()
    {
        using var dir = new TempDirectory();
        dir.Write("in/a.txt", "orbit");
        var (exit, _, error) = Run("infer", "--model", dir.File("nope"), "--input", dir.File("in"), "--out", dir.File("x.parquet"));
        Assert.Equal(1, exit);
        Assert.Equal($"error: {dir.File("nope")}: model directory does not exist", error.Trim());
        Assert.False(File.Exists(dir.File("x.parquet")));
    }

    [Theory]
    [InlineData("fit")]
    [InlineData("infer")]
    public void AnOutOfRangeRelaxationIsOneLineAndExitCodeOne(string verb)
    {
        using var dir = FittedModel(out _);
        string[] args = verb == "fit"
            ? ["fit", "--input", dir.File("in"), "--out", dir.File("other"), "--topics", "3", "--device", "cpu", "--relaxation", "2"]
            : ["infer", "--model", dir.File("model"), "--input", dir.File("in"), "--out", dir.File("x.parquet"), "--relaxation", "2"];
        var (exit, _, error) = Run(args);
        Assert.Equal(1, exit);
        Assert.Equal("error: --relaxation must be in [1, 2) (1: the plain step), not 2.", error.Trim());
        Assert.False(Directory.Exists(dir.File("other")));
        Assert.False(File.Exists(dir.File("x.parquet")));
    }

    [Fact]
    public void InferWithoutInputSaysSo()
    {
        using var dir = new TempDirectory();
        var (exit, _, error) = Run("infer", "--model", dir.File("model"), "--out", dir.File("x.parquet"));
        Assert.Equal(1, exit);
        Assert.Equal("error: infer needs --input (the new documents)", error.Trim());
    }
}
