using System.Text.Json.Nodes;

namespace TopicEngine.Tests;

/// <summary><c>topic-engine update</c> end to end through the built CLI: text analysed with the model's settings, new words, errors.</summary>
public sealed class UpdateCommandTests
{
    private static readonly string[] Graphics = ["graphics card driver memory screen", "graphics screen pixel driver card", "memory card graphics pixel screen"];
    private static readonly string[] Space = ["space shuttle orbit launch rocket", "orbit rocket launch space moon", "shuttle moon orbit space launch"];

    private static TempDirectory FittedModel()
    {
        var dir = new TempDirectory();
        for (int i = 0; i < 12; i++) dir.Write($"old/{i:D2}.txt", i % 2 == 0 ? Graphics[i % 3] : Space[i % 3]);
        // the new documents bring words the model has never seen: "vulkan" with graphics, "mars" with space
        for (int i = 0; i < 12; i++) dir.Write($"new/{i:D2}.txt", i % 2 == 0 ? Graphics[i % 3] + " vulkan vulkan" : Space[i % 3] + " mars mars");
        var (exit, _, error) = ChildCli.RunAsync("fit", "--input", dir.File("old"), "--topics", "2", "--min-df", "1", "--max-df", "1",
            "--holdout", "0", "--passes", "5", "--batch-size", "4", "--threads", "1", "--device", "cpu", "--out", dir.File("model")).GetAwaiter().GetResult();
        Assert.True(exit == 0, error);
        return dir;
    }

    [Fact]
    public async Task UpdateWithGrowVocabAnalysesTextWithTheModelsSettingsAndAddsTheNewWords()
    {
        using var dir = FittedModel();
        var (exit, output, error) = await ChildCli.RunAsync("update", "--model", dir.File("model"), "--input", dir.File("new"), "--grow-vocab",
            "--min-df", "2", "--max-df", "1", "--holdout", "0", "--passes", "2", "--threads", "1", "--device", "cpu");

        Assert.True(exit == 0, error);
        Assert.Contains("counted 12 new documents (", output);
        Assert.Contains(", 2 new terms) in ", output);
        Assert.Contains($"wrote {dir.File("model")}", output);
        var json = JsonNode.Parse(File.ReadAllText(dir.Current("model/model.json")))!;
        Assert.Equal(14, (int)json["vocabulary_size"]!);   // 12 old terms + vulkan, mars
        var last = json["updates"]!.AsArray()[^1]!;
        Assert.Equal("update", (string)last["kind"]!);
        Assert.Equal(12, (long)last["documents"]!);
        Assert.Equal(2, (int)last["new_terms"]!);
        var terms = DuckDbQuery.Run($"SELECT term FROM '{dir.Current("model/vocabulary.parquet")}' WHERE term_id >= 12 ORDER BY term_id").Rows.Select(r => (string)r[0]!);
        Assert.Equal(["mars", "vulkan"], terms.Order());
    }

    [Fact]
    public async Task ACorruptedModelFailsWithOneLineNamingTheFileAndLeavesNothingBehind()
    {
        using var dir = FittedModel();
        File.WriteAllText(dir.Current("model/vocabulary.parquet"), "not parquet");
        var (exit, _, error) = await ChildCli.RunAsync("update", "--model", dir.File("model"), "--input", dir.File("new"), "--device", "cpu");

        Assert.Equal(1, exit);
        Assert.Equal($"error: {dir.Current("model/vocabulary.parquet")}: 11 bytes, but model.json records", error.Trim()[..(error.Trim().IndexOf("records", StringComparison.Ordinal) + 7)]);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir.Path), p => Path.GetFileName(p).StartsWith('.'));
    }
}
