using System.Globalization;
using System.Text.Json.Nodes;

namespace TopicEngine.Tests;

/// <summary><c>evaluate</c> and <c>export</c> through the CLI: held-out text counted against the model's vocabulary, UCI output that matches the prepared corpus.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class EvaluateExportCommandTests
{
    private static readonly string[] Themes =
    [
        "graphics card driver memory screen pixel",
        "space shuttle orbit launch rocket moon",
    ];

    private static TempDirectory Corpus()
    {
        var dir = new TempDirectory();
        for (int i = 0; i < 30; i++) dir.Write($"train/{i:D2}.txt", Themes[i % 2] + " " + Themes[i % 2].Split(' ')[i % 6]);
        for (int i = 0; i < 10; i++) dir.Write($"test/{i:D2}.txt", Themes[i % 2] + " unseenword");
        return dir;
    }

    [Fact]
    public void EvaluateScoresRawHeldOutTextAgainstTheModelVocabularyAndPrintsFiniteScores()
    {
        using var dir = Corpus();
        var (exit, _, error) = CliRun.Run("fit", "--input", dir.File("train"), "--topics", "2", "--min-df", "1", "--max-df", "1",
            "--holdout", "0", "--passes", "5", "--threads", "1", "--device", "cpu", "--out", dir.File("model"));
        Assert.True(exit == 0, error);

        (exit, var output, error) = CliRun.Run("evaluate", "--model", dir.File("model"), "--input", dir.File("test"), "--json");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(10, (int)json["held_out_documents"]!);
        Assert.Equal(30, (long)json["held_out_tokens"]!);            // 6 known tokens a document, every other one scored; "unseenword" dropped
        double perplexity = (double)json["perplexity"]!;
        Assert.True(double.IsFinite(perplexity) && perplexity >= 1 && perplexity < 12, $"perplexity {perplexity}");
        Assert.InRange((double)json["npmi"]!, -1, 1);
    }

    [Fact]
    public void ExportWritesUciWhoseHeaderAndBodyMatchThePreparedCorpus()
    {
        using var dir = Corpus();
        var (exit, _, error) = CliRun.Run("prepare", "--input", dir.File("train"), "--min-df", "1", "--max-df", "1", "--out", dir.File("prepared"));
        Assert.True(exit == 0, error);
        (exit, _, error) = CliRun.Run("export", "--corpus", dir.File("prepared"), "--out", dir.File("uci"));
        Assert.True(exit == 0, error);

        var manifest = JsonNode.Parse(File.ReadAllText(dir.Current("prepared/corpus.json")))!;
        var lines = File.ReadAllLines(dir.File("uci/docword.txt"));
        Assert.Equal((long)manifest["documents"]!, long.Parse(lines[0], CultureInfo.InvariantCulture));
        Assert.Equal((int)manifest["vocabulary_size"]!, int.Parse(lines[1], CultureInfo.InvariantCulture));
        Assert.Equal((long)manifest["non_zeros"]!, long.Parse(lines[2], CultureInfo.InvariantCulture));
        Assert.Equal(lines.Length - 3, long.Parse(lines[2], CultureInfo.InvariantCulture));
        Assert.Equal((long)manifest["tokens"]!, lines.Skip(3).Sum(l => long.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture)));
        Assert.Equal((int)manifest["vocabulary_size"]!, File.ReadAllLines(dir.File("uci/vocab.txt")).Length);
    }
}
