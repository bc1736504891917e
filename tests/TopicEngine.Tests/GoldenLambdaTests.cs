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
    [InlineData(3, new[] { "--passes", "3" }, "51B04A810C0359B710A7DA4417D5C232A2042B47C9995267E8EB26C66B0C494C")]
    [InlineData(17, new[] { "--passes", "2", "--batch-size", "64", "--alpha", "auto", "--eta", "auto" }, "35ACA70503D3E28A38AFB6893491925066D9B8BB3DF0F7B8585BB8F08EDAFCEE")]
    public void AFixedSeedFitOnTwoThreadsGivesTheRecordedLambda(int topics, string[] flags, string expectedSha256)
    {
        using var temp = new TempDirectory();
        string corpus = temp.File("corpus"), model = temp.File("model");
        var generated = CliRun.Run("generate", "--docs", "600", "--vocab", "400", "--topics", "6", "--doc-length", "40", "--seed", "11", "--out", corpus);
        Assert.True(generated.Exit == 0, generated.Error);
        var fit = CliRun.Run(["fit", "--input", Path.Combine(corpus, "docword.synthetic.txt"), "--topics", topics.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seed", "1", "--threads", "2", "--device", "cpu", "--out", model, .. flags]);
        Assert.True(fit.Exit == 0, fit.Error);

        var rows = DuckDbQuery.Run($"SELECT value FROM read_parquet('{CurrentVersion.File(model, "lambda.parquet")}') ORDER BY term_id, topic_id").Rows;
        var bytes = new byte[rows.Count * sizeof(float)];
        for (int i = 0; i < rows.Count; i++)
            BitConverter.TryWriteBytes(bytes.AsSpan(i * sizeof(float)), (float)rows[i][0]!);
        string actual = Convert.ToHexString(SHA256.HashData(bytes));
        Assert.True(expectedSha256 == actual, $"λ changed: SHA-256 {actual}, recorded {expectedSha256}");
    }
}
