using System.Text.Json.Nodes;

namespace TopicEngine.Tests;

/// <summary>
/// A model fitted on pre-counted input (UCI, LDA-C) records no analyzer settings, since its terms came
/// from another tool's tokenizer; <c>update</c> then refuses raw text instead of analysing it with
/// settings the model never used. Regression: fit used to record the default analyzer for such input.
/// </summary>
public sealed class FitPreCountedInputTests
{
    [Fact]
    public async Task FitOnUciInputRecordsNoAnalyzerAndUpdateRefusesText()
    {
        using var dir = new TempDirectory();
        dir.Write("uci/docword.small.txt", "4\n3\n6\n1 1 2\n1 2 1\n2 2 3\n3 3 1\n4 1 1\n4 3 2\n");
        dir.Write("uci/vocab.small.txt", "alpha\nbeta\ngamma\n");
        dir.Write("new/doc.txt", "alpha beta gamma");

        var (exit, _, error) = await ChildCli.RunAsync("fit", "--input", dir.File("uci/docword.small.txt"), "--topics", "2", "--min-df", "1",
            "--max-df", "1", "--holdout", "0", "--threads", "1", "--device", "cpu", "--out", dir.File("model"));
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(File.ReadAllText(dir.Current("model/model.json")))!;
        Assert.Null(json["analyzer"]);

        (exit, _, error) = await ChildCli.RunAsync("update", "--model", dir.File("model"), "--input", dir.File("new"), "--device", "cpu");
        Assert.Equal(1, exit);
        Assert.Contains("pre-counted", error);
    }
}
