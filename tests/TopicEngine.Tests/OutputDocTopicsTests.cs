using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Storage;
using TopicEngine.Model;

namespace TopicEngine.Tests;

public sealed class OutputDocTopicsTests
{
    [Fact]
    public async Task ThetaDominantTopicAndEntropyFollowFromGamma()
    {
        using var temp = new TempDirectory();
        string path = temp.File("doc_topics.parquet");
        await using (var writer = await DocTopicsWriter.CreateAsync(path, 3))
        {
            await writer.WriteAsync(["a", "b"], new float[] { 1, 2, 5, 4, 4, 4 }, new long[] { 7, 0 });
            await writer.CompleteAsync();
        }
        var rows = await DocTopicsFile.ReadAsync(path, 3).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.Equal("a", rows[0].DocKey);
        Assert.Equal(new[] { 0.125f, 0.25f, 0.625f }, rows[0].Theta);
        Assert.Equal(new float[] { 1, 2, 5 }, rows[0].Gamma);
        Assert.Equal(2, rows[0].TopicId);
        Assert.Equal(0.625f, rows[0].Probability);
        double expected = -(0.125 * Math.Log(0.125) + 0.25 * Math.Log(0.25) + 0.625 * Math.Log(0.625));
        Assert.Equal(expected, rows[0].Entropy, 5);
        Assert.Equal(7, rows[0].TokenCount);
        // A tie goes to the lowest topic id; a uniform θ has entropy ln K.
        Assert.Equal(0, rows[1].TopicId);
        Assert.Equal(Math.Log(3), rows[1].Entropy, 5);
    }

    [Fact]
    public async Task ManyRowGroupsAreReadableByDuckDb()
    {
        using var temp = new TempDirectory();
        string path = temp.File("doc_topics.parquet");
        const int k = 4, documents = DocTopicsWriter.RowGroupRows + 1000;
        var corpus = new InMemoryCorpus(10);
        for (int d = 0; d < documents; d++) corpus.Add($"doc{d}", [d % 10], [d % 5 + 1]);
        await using (var writer = await DocTopicsWriter.CreateAsync(path, k))
        {
            foreach (var batch in corpus.ReadBatches(3000))
            {
                var gamma = new float[batch.DocumentCount * k];
                for (int i = 0; i < gamma.Length; i++) gamma[i] = 0.1f + (i % 7);
                var tokens = Enumerable.Range(0, batch.DocumentCount).Select(d => (long)batch.DocumentCounts(d)[0]).ToArray();
                await writer.WriteAsync(new DocumentTopicsBatch(batch.Keys, gamma, tokens, k));
            }
            Assert.Equal(documents, writer.Rows);
            await writer.CompleteAsync();
        }
        Assert.Equal(
            new[] { "doc_key VARCHAR", "topic_id INTEGER", "probability FLOAT", "theta FLOAT[]", "gamma FLOAT[]", "entropy FLOAT", "token_count BIGINT", "theta_lower FLOAT[]", "theta_upper FLOAT[]", "credible_level FLOAT" },
            DuckDbQuery.Schema(path));
        var row = DuckDbQuery.Run($"SELECT count(*), min(len(theta)), max(len(gamma)), max(abs(list_sum(theta) - 1)), sum(token_count)::BIGINT FROM read_parquet('{path}')").Rows.Single();
        Assert.Equal((long)documents, Convert.ToInt64(row[0]));
        Assert.Equal(k, Convert.ToInt32(row[1]));
        Assert.Equal(k, Convert.ToInt32(row[2]));
        Assert.True(Convert.ToDouble(row[3]) < 1e-5);
        Assert.Equal(corpus.TokenCount, Convert.ToInt64(row[4]));
        Assert.Equal("doc17000", DuckDbQuery.Scalar($"SELECT doc_key FROM read_parquet('{path}') WHERE token_count = 1 AND doc_key = 'doc17000'"));
    }

    [Fact]
    public async Task AtLargeKRowGroupsShrinkSoTheBufferedGroupStaysSmallAndEveryRowComesBack()
    {
        using var temp = new TempDirectory();
        string path = temp.File("doc_topics.parquet");
        const int k = 500;
        int perGroup = DocTopicsWriter.GroupRows(k), documents = 2 * perGroup + 7;
        Assert.Equal(DocTopicsWriter.ListValuesPerGroup / k, perGroup);
        var gamma = new float[documents * k];
        for (int i = 0; i < gamma.Length; i++) gamma[i] = 0.05f + (i % 1009 * 7919 % 1009) * 0.01f;
        var keys = Enumerable.Range(0, documents).Select(d => $"d{d}").ToArray();
        var tokens = Enumerable.Range(0, documents).Select(d => (long)d).ToArray();
        await using (var writer = await DocTopicsWriter.CreateAsync(path, k))
        {
            Assert.Equal(perGroup, writer.RowsPerGroup);
            for (int first = 0; first < documents; first += 333)   // batches that do not line up with row groups
            {
                int n = Math.Min(333, documents - first);
                await writer.WriteAsync(keys[first..(first + n)], gamma.AsMemory(first * k, n * k), tokens.AsMemory(first, n));
            }
            await writer.CompleteAsync();
        }
        await using (var stream = File.OpenRead(path))
        await using (var reader = await Parquet.ParquetReader.CreateAsync(stream))
            Assert.Equal(new long[] { perGroup, perGroup, 7 }, Enumerable.Range(0, reader.RowGroupCount).Select(g => reader.OpenRowGroupReader(g).RowCount).ToArray());
        var rows = await DocTopicsFile.ReadAsync(path, k).ToListAsync();
        Assert.Equal(keys, rows.Select(r => r.DocKey));
        Assert.Equal(gamma, rows.SelectMany(r => r.Gamma));
        Assert.Equal(tokens, rows.Select(r => r.TokenCount));
        var row = DuckDbQuery.Run($"SELECT count(*), min(len(theta_upper)), min(credible_level), max(credible_level) FROM read_parquet('{path}')").Rows.Single();
        Assert.Equal((long)documents, Convert.ToInt64(row[0]));
        Assert.Equal(k, Convert.ToInt32(row[1]));
        Assert.Equal(0.9f, Convert.ToSingle(row[2]));
        Assert.Equal(0.9f, Convert.ToSingle(row[3]));
    }

    [Fact]
    public async Task NonFiniteGammaIsRefusedAndNothingIsLeftBehind()
    {
        using var temp = new TempDirectory();
        string path = temp.File("doc_topics.parquet");
        await File.WriteAllTextAsync(path, "previous");
        await using (var writer = await DocTopicsWriter.CreateAsync(path, 2))
        {
            var e = await Assert.ThrowsAsync<TopicEngineException>(() => writer.WriteAsync(["x"], new[] { float.NaN, 1f }, new long[] { 1 }));
            Assert.Contains("'x'", e.Message);
        }
        Assert.Equal("previous", await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task AListColumnOfTheWrongWidthIsReportedWithTheFileName()
    {
        using var temp = new TempDirectory();
        string path = temp.File("doc_topics.parquet");
        await using (var writer = await DocTopicsWriter.CreateAsync(path, 3))
        {
            await writer.WriteAsync(["a"], new float[] { 1, 1, 1 }, new long[] { 1 });
            await writer.CompleteAsync();
        }
        var e = await Assert.ThrowsAsync<TopicEngineException>(async () => await DocTopicsFile.ReadAsync(path, 4).ToListAsync());
        Assert.Contains(path, e.Message);
    }
}
