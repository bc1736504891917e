using System.Security.Cryptography;

namespace TopicEngine.Tests;

/// <summary>
/// Pins the trained λ bit for bit across refactorings: a generated corpus fitted through the CLI with a fixed seed on
/// 2 threads must give exactly the λ it gave when the golden hashes were recorded (issue 9, before the restructuring).
/// λ is read back with DuckDB (term-major order) and hashed as little-endian float32.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class GoldenLambdaTests
{
    [Theory]
    [InlineData(3, new[] { "--passes", "3" }, "F463393458B9E16A8CB8A050A23EEA7D35FB20FD3948F4875C49CAF219939084")]
    [InlineData(17, new[] { "--passes", "2", "--batch-size", "64", "--alpha", "auto", "--eta", "auto" }, "B639449B5D555D57E9A7023429F7CC14F8CE380CD99F30525EFCE12BDE518307")]
    public void AFixedSeedFitOnTwoThreadsGivesTheRecordedLambda(int topics, string[] flags, string expectedSha256)
    {
        using var temp = new TempDirectory();
        string actual = FitLambdaSha256(temp, topics, threads: 2, flags);
        Assert.True(expectedSha256 == actual, $"λ changed: SHA-256 {actual}, recorded {expectedSha256}");
    }

    /// <summary>The CPU backend sums every statistic in document order whatever the thread count (issue 14), so one and
    /// two threads give the same λ bit for bit, online (several batches, α/η auto) and in batch mode.</summary>
    [Theory]
    [InlineData(17, new[] { "--passes", "2", "--batch-size", "64", "--alpha", "auto", "--eta", "auto" })]
    [InlineData(5, new[] { "--passes", "2", "--mode", "batch" })]
    public void OneAndTwoThreadsGiveTheSameLambda(int topics, string[] flags)
    {
        using var temp = new TempDirectory();
        Assert.Equal(FitLambdaSha256(temp, topics, threads: 1, flags), FitLambdaSha256(temp, topics, threads: 2, flags));
    }

    private static string FitLambdaSha256(TempDirectory temp, int topics, int threads, string[] flags)
    {
        string corpus = temp.File("corpus"), model = temp.File($"model-{threads}");
        if (!Directory.Exists(corpus))
        {
            var generated = CliRun.Run("generate", "--docs", "600", "--vocab", "400", "--topics", "6", "--doc-length", "40", "--seed", "11", "--out", corpus);
            Assert.True(generated.Exit == 0, generated.Error);
        }
        var fit = CliRun.Run(["fit", "--input", Path.Combine(corpus, "docword.synthetic.txt"), "--topics", topics.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seed", "1", "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--device", "cpu", "--out", model, .. flags]);
        Assert.True(fit.Exit == 0, fit.Error);

        var rows = DuckDbQuery.Run($"SELECT value FROM read_parquet('{CurrentVersion.File(model, "lambda.parquet")}') ORDER BY term_id, topic_id").Rows;
        var bytes = new byte[rows.Count * sizeof(float)];
        for (int i = 0; i < rows.Count; i++)
            BitConverter.TryWriteBytes(bytes.AsSpan(i * sizeof(float)), (float)rows[i][0]!);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }
}
