using System.Security.Cryptography;

namespace TopicEngine.Tests;

/// <summary>
/// Pins the trained λ bit for bit across refactorings: a generated corpus fitted through the CLI with a fixed seed on
/// 2 threads must give exactly the λ it gave when the golden hashes were recorded (issue 9, before the restructuring).
/// λ is read back with DuckDB (term-major order) and hashed as little-endian float32. The first two cases visit the
/// documents in corpus order (<c>--order corpus</c>, the only order before issue 14's shuffle, so their hashes are the
/// ones recorded then); the third shuffles them (<c>--order shuffled</c>).
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class GoldenLambdaTests
{
    [Theory]
    [InlineData(3, new[] { "--passes", "3", "--order", "corpus" }, "1C70C2A01C668DFE1E822E7D0058885AAD1057D2CB3D684C068D31F3B1961A46")]
    [InlineData(17, new[] { "--passes", "2", "--order", "corpus", "--batch-size", "64", "--alpha", "auto", "--eta", "auto" }, "C08516F38B9C1639E65145687B72F7674F7CDD6EB63174D21321CCCE3621B56D")]
    [InlineData(3, new[] { "--passes", "3", "--order", "shuffled" }, "9422D6624035DAF2DA5A23D0734CA76F0FBC2FB380BAF5B0FCE881CCE717B920")]
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
