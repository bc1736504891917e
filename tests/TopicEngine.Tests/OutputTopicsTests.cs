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
