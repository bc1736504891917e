using CsCheck;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Storage;
using TopicEngine.Corpus;
using TopicEngine.Text;

namespace TopicEngine.Tests;

public sealed class OutputTopicsTests
{
    // λ: V=4 terms × K=2 topics, term-major.
    private static readonly float[] Lambda =
    [
        1, 8,   // term 0
        4, 1,   // term 1
        4, 0.5f,// term 2 (ties with term 1 in topic 0)
        1, 0.5f,// term 3
    ];

    [Fact]
    public void TopTermsAreSortedByExpectedBetaWithTiesToTheLowerId()
    {
        var topics = TopTerms.Compute(Lambda, 2, 4, top: 3);
        Assert.Equal(new[] { 1, 2, 0 }, topics[0].Select(t => t.TermId).ToArray());
        Assert.Equal(new[] { 1, 2, 3 }, topics[0].Select(t => t.Rank).ToArray());
        Assert.Equal(0.4f, topics[0][0].Probability, 6); // 4 / (1+4+4+1)
        Assert.Equal(4f, topics[0][0].Lambda);
        Assert.Equal(new[] { 0, 1, 2 }, topics[1].Select(t => t.TermId).ToArray());
        Assert.Equal(0.8f, topics[1][0].Probability, 6); // 8 / 10
    }

    [Fact]
    public void AllTermsWhenTopIsNullAndProbabilitiesSumToOne()
    {
        var topics = TopTerms.Compute(Lambda, 2, 4, top: null);
        Assert.All(topics, t => Assert.Equal(4, t.Length));
        Assert.All(topics, t => Assert.Equal(1.0, t.Sum(x => (double)x.Probability), 6));
        Assert.Equal(new[] { 0, 1, 2, 3 }, topics[1].Select(t => t.TermId).ToArray()); // 0.5 tie: 2 before 3
    }

    /// <summary>The heaps fed row by row agree with the plain definition: every topic's terms sorted by λ descending, ties to
    /// the lower id, cut at top; over random λ with many ties (values drawn from a few levels) and top from 0 to past V.</summary>
    [Fact]
    public void TopTermsAgreeWithAFullSortOfEveryTopic()
    {
        Gen.Select(Gen.Int[1, 7], Gen.Int[1, 40], Gen.Int[0, 45], Gen.Int[0, 1000]).Sample((k, v, top, seed) =>
        {
            var random = new Random(seed);
            var lambda = new float[k * v];
            for (int i = 0; i < lambda.Length; i++) lambda[i] = 0.5f * (1 + random.Next(6));
            var topics = TopTerms.Compute(lambda, k, v, top);
            for (int t = 0; t < k; t++)
            {
                int[] expected = Enumerable.Range(0, v).OrderByDescending(w => lambda[w * k + t]).ThenBy(w => w).Take(top).ToArray();
                Assert.Equal(expected, topics[t].Select(x => x.TermId).ToArray());
                Assert.Equal(Enumerable.Range(1, expected.Length), topics[t].Select(x => x.Rank));
            }
        }, iter: 300);
    }

    [Fact]
    public async Task TopicsFileRoundTripsWithTermText()
    {
        using var temp = new TempDirectory();
        var vocabulary = new Vocabulary();
        foreach (var term in new[] { "apple", "banana", "cherry", "date" }) vocabulary.Add(term);
        string path = temp.File(TopicsFile.FileName);
        var topics = TopTerms.Compute(Lambda, 2, 4, top: 2);
        await TopicsFile.WriteAsync(path, topics, vocabulary);
        var rows = await TopicsFile.ReadAsync(path);
        Assert.Equal(topics.SelectMany(t => t).ToArray(), rows.Select(r => r.Term).ToArray());
        Assert.Equal(new[] { "banana", "cherry", "apple", "banana" }, rows.Select(r => r.Text).ToArray());
        Assert.Equal("apple", DuckDbQuery.Scalar($"SELECT term FROM read_parquet('{path}') WHERE topic_id = 1 AND rank = 1"));
        await using var reader = await ParquetColumns.OpenAsync(path);
        Assert.Equal(1, reader.RowGroupCount);   // the top terms of all topics in one row group
    }

    /// <summary>With every term of every topic (<c>--full</c>), row groups hold whole topics up to about a million rows:
    /// three topics of 400,000 terms give a group of two topics and one of the third, in topic then rank order.</summary>
    [Fact]
    public async Task FullTopicsAreWrittenInRowGroupsOfWholeTopics()
    {
        using var temp = new TempDirectory();
        const int k = 3, v = 400_000;
        var vocabulary = new Vocabulary();
        for (int w = 0; w < v; w++) vocabulary.Add($"t{w}");
        var lambda = new float[k * v];
        for (int i = 0; i < lambda.Length; i++) lambda[i] = 1 + (i * 7919 % 1000);
        string path = temp.File(TopicsFile.FileName);
        await TopicsFile.WriteAsync(path, TopTerms.Compute(lambda, k, v, top: null), vocabulary);
        await using (var reader = await ParquetColumns.OpenAsync(path))
        {
            Assert.Equal(2, reader.RowGroupCount);
            Assert.Equal(2L * v, reader.RowGroups[0].RowCount);
        }
        Assert.Equal(k * (long)v, Convert.ToInt64(DuckDbQuery.Scalar($"SELECT count(*) FROM read_parquet('{path}')")));
        Assert.Equal(0L, Convert.ToInt64(DuckDbQuery.Scalar(
            $"SELECT count(*) FROM (SELECT topic_id, rank, lag(topic_id) OVER () AS pt, lag(rank) OVER () AS pr FROM read_parquet('{path}')) " +
            "WHERE pt IS NOT NULL AND NOT (topic_id = pt AND rank = pr + 1 OR topic_id = pt + 1 AND rank = 1)")));
    }

    [Fact]
    public async Task AnEmptyTrainingLogRoundTrips()
    {
        using var temp = new TempDirectory();
        string path = temp.File(TrainingLogFile.FileName);
        await TrainingLogFile.WriteAsync(path, Array.Empty<TrainingLogRow>());
        Assert.Empty(await TrainingLogFile.ReadAsync(path));
        Assert.Equal(0L, Convert.ToInt64(DuckDbQuery.Scalar($"SELECT count(*) FROM read_parquet('{path}')")));
    }
}
