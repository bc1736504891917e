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
    [InlineData(3, new[] { "--passes", "3", "--order", "corpus" }, "37B254BF63620A64868BD446D4B2187F3271F8EA65649007D053470D6EE592CE")]
    [InlineData(17, new[] { "--passes", "2", "--order", "corpus", "--batch-size", "64", "--alpha", "auto", "--eta", "auto" }, "968290B31574C7E730AF4D04DE87EE7FA71492C4455D7CDC4635C90277951D6D")]
    [InlineData(3, new[] { "--passes", "3", "--order", "shuffled" }, "ECD235CA926AFB47CFD8DC4C0A8C81704411527EDF605D240B72E14D4B6822DA")]
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
