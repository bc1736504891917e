using TopicEngine.Storage;
using TopicEngine.Model;
using TopicEngine.Corpus;

namespace TopicEngine.Tests;

public sealed class OutputLambdaFileTests
{
    [Fact]
    public async Task RoundTripsAcrossSeveralRowGroups()
    {
        using var temp = new TempDirectory();
        const int k = 100, v = 11_000; // 1.1M rows: five row groups, the last one partial
        var lambda = new float[k * v];
        for (int i = 0; i < lambda.Length; i++) lambda[i] = 0.5f + (i % 9973) * 0.01f;
        string path = temp.File(LambdaFile.FileName);
        await LambdaFile.WriteAsync(path, lambda, k, v);
        await using (var stream = File.OpenRead(path))
        await using (var reader = await Parquet.ParquetReader.CreateAsync(stream))
        {
            Assert.Equal((k * v + LambdaFile.RowGroupRows - 1) / LambdaFile.RowGroupRows, reader.RowGroupCount);
            for (int g = 0; g < reader.RowGroupCount; g++) Assert.True(reader.OpenRowGroupReader(g).RowCount <= LambdaFile.RowGroupRows);
        }
        Assert.Equal(lambda, await LambdaFile.ReadAsync(path, k, v));
    }

    [Fact]
    public async Task RowsInAnyOrderAreAccepted()
    {
        using var temp = new TempDirectory();
        string path = temp.File("shuffled.parquet");
        DuckDbQuery.Run($"COPY (SELECT (i % 3)::INTEGER AS topic_id, (i // 3)::INTEGER AS term_id, (1 + i)::FLOAT AS value FROM range(12) t(i) ORDER BY random()) TO '{path}' (FORMAT parquet)");
        var lambda = await LambdaFile.ReadAsync(path, 3, 4);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (float)i).ToArray(), lambda);
    }

    [Theory]
    [InlineData("SELECT (i % 3)::INTEGER AS topic_id, (i // 3)::INTEGER AS term_id, 1::FLOAT AS value FROM range(11) t(i)", "11 rows, expected")]
    [InlineData("SELECT (i % 3)::INTEGER AS topic_id, (i // 3 % 3)::INTEGER AS term_id, 1::FLOAT AS value FROM range(12) t(i)", "appears twice")]
    [InlineData("SELECT (i % 3)::INTEGER AS topic_id, (i // 3)::INTEGER AS term_id, (i - 1)::FLOAT AS value FROM range(12) t(i)", "must be finite and positive")]
    [InlineData("SELECT (i % 3)::INTEGER AS topic_id, (i // 3)::INTEGER AS term_id, 1::DOUBLE AS value FROM range(12) t(i)", "column 'value' is Double")]
    [InlineData("SELECT (i % 3)::INTEGER AS topic, (i // 3)::INTEGER AS term_id, 1::FLOAT AS value FROM range(12) t(i)", "no column 'topic_id'")]
    public async Task BadContentsAreReportedWithTheFileName(string select, string expected)
    {
        using var temp = new TempDirectory();
        string path = temp.File("bad.parquet");
        DuckDbQuery.Run($"COPY ({select}) TO '{path}' (FORMAT parquet)");
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => LambdaFile.ReadAsync(path, 3, 4));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task AFileThatIsNotParquetIsReportedWithItsName()
    {
        using var temp = new TempDirectory();
        string path = temp.File("lambda.parquet");
        await File.WriteAllTextAsync(path, "this is not parquet at all");
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => LambdaFile.ReadAsync(path, 3, 4));
        Assert.Contains($"{path}: not a readable Parquet file", e.Message);
    }
}
