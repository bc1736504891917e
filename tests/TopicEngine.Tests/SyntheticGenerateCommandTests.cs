using System.Diagnostics;

namespace TopicEngine.Tests;

/// <summary>`topic-engine generate` run as a child process: stdout, stderr line and exit code.</summary>
public sealed class SyntheticGenerateCommandTests
{
    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "topic-engine.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void WritesTheCorpusAndPrintsTheSummaryLine()
    {
        using var temp = new TempDirectory();
        string output = temp.File("corpus");
        var (code, stdout, stderr) = Run("generate", "--docs", "200", "--vocab", "50", "--topics", "3", "--doc-length", "20", "--seed", "5", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Matches(@"(?m)^documents: 200, tokens: \d+, non-zeros: \d+, seconds: \d+\.\d$", stdout);
        Assert.Equal(
            new[] { "docword.synthetic.txt", "true_doc_topics.parquet", "true_topics.parquet", "vocab.synthetic.txt" },
            Directory.GetFiles(output).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void ABadOptionGivesOneErrorLineExitCodeOneAndNoOutput()
    {
        using var temp = new TempDirectory();
        string output = temp.File("corpus");
        var (code, _, stderr) = Run("generate", "--docs", "10", "--topics", "0", "--out", output);
        Assert.Equal(1, code);
        Assert.Equal("error: --topics must be positive (got 0).", stderr.Trim());
        Assert.False(Directory.Exists(output));
    }
}
