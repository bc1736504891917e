using Xunit;

namespace TopicEngine.Tests;

/// <summary>CLI golden tests of <c>sweep</c> and <c>report</c>: the files they write (ScottPlot PNGs rendered on this
/// machine) and their one-line errors.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class SweepReportCommandTests
{
    private static readonly byte[] PngMagic = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    [Fact]
    public void Sweep_writes_sweep_parquet_and_a_png_chart_and_names_the_recommended_K()
    {
        using var dir = new TempDirectory();
        TopicTextCorpus.Write(dir, "docs", 60);
        var (exit, output, error) = CliRun.Run("sweep", "--input", dir.File("docs"), "--topics", "2,3", "--seeds", "2", "--passes", "2",
            "--threads", "1", "--device", "cpu", "--holdout", "0.2", "--out", dir.File("sweep"));
        Assert.True(exit == 0, error);
        Assert.Contains("4 fits: 2 Ks × 2 seeds", output);
        Assert.Contains("recommended: K=", output);
        Assert.True(File.Exists(dir.File("sweep/sweep.parquet")));
        Assert.Equal(PngMagic, File.ReadAllBytes(dir.File("sweep/sweep.png")).Take(4));
    }

    [Fact]
    public void Sweep_with_passes_auto_fails_with_one_line()
    {
        var (exit, _, error) = CliRun.Run("sweep", "--passes", "auto", "--out", "unused-sweep");
        Assert.Equal(1, exit);
        Assert.Equal("error: sweep needs --passes N (a number, not auto): every fit must train the same amount", error.Trim());
    }

    [Fact]
    public async Task Report_writes_the_html_and_the_training_curve_png()
    {
        using var dir = new TempDirectory();
        string model = await ReportTests.FitModelAsync(dir);
        var (exit, output, error) = CliRun.Run("report", "--model", model, "--out", dir.File("report.html"), "--png", dir.File("curve.png"));
        Assert.True(exit == 0, error);
        Assert.Contains("example documents by key only", output);
        Assert.Contains("<svg id=\"map\"", File.ReadAllText(dir.File("report.html")));
        Assert.Equal(PngMagic, File.ReadAllBytes(dir.File("curve.png")).Take(4));
    }
}
