using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>
/// λ's start from the corpus (<see cref="CorpusStart"/>): λ⁰_kw = g_kw (1 + c n_w / K), with g the random start's draws.
/// Checked against a plain recomputation from the random start and the term counts.
/// </summary>
public sealed class CorpusStartTests
{
    /// <summary>Two batches of a small corpus: 7 documents over 6 terms, with repeated and unused terms.</summary>
    private static SparseBatch[] Batches() =>
    [
        new SparseBatch(["a", "b", "c"], [0, 2, 5, 6], [0, 3, 1, 2, 3, 5], [2f, 1f, 1f, 4f, 1f, 3f]),
        new SparseBatch(["d", "e", "f", "g"], [0, 1, 3, 3, 5], [0, 0, 1, 2, 5], [1f, 5f, 2f, 1f, 1f]),
    ];

    [Theory]
    [InlineData(3, 1)]
    [InlineData(4, 7)]
    [InlineData(20, 2)]
    public void EachTopicStartsAsTheTermCountsOverTheRandomStartsDraws(int topics, int seed)
    {
        const int v = 6;
        var random = TrainingData.InitialLambda(v, topics, seed, threads: 1);
        var termCounts = CorpusStart.TermCounts(Batches(), v);
        Assert.Equal(new double[] { 8, 3, 5, 2, 0, 4 }, termCounts);
        var start = CorpusStart.Lambda(termCounts, topics, seed, threads: 1);
        for (int w = 0; w < v; w++)
            for (int k = 0; k < topics; k++)
            {
                double expected = random[w * topics + k] * (1 + CorpusStart.CorpusWeight * termCounts[w] / topics);
                Assert.Equal(expected, start[w * topics + k], expected * 1e-6);
            }
        // a term no training document holds (4) keeps the random start exactly
        for (int k = 0; k < topics; k++) Assert.Equal(random[4 * topics + k], start[4 * topics + k]);
    }

    [Fact]
    public void EveryTopicHoldsTheCorpusWeightTimesTheCorpusOverK()
    {
        const int v = 6, topics = 4;
        var termCounts = CorpusStart.TermCounts(Batches(), v);
        var start = CorpusStart.Lambda(termCounts, topics, seed: 3, threads: 1);
        double tokens = termCounts.Sum();
        for (int k = 0; k < topics; k++)
        {
            double mass = 0;
            for (int w = 0; w < v; w++) mass += start[w * topics + k];
            // Σ_w g_kw (1 + c n_w / K): g has mean 1 and a 10 % spread, so within 40 % of V + c N / K for 6 terms
            double expected = v + CorpusStart.CorpusWeight * tokens / topics;
            Assert.InRange(mass, 0.6 * expected, 1.4 * expected);
        }
    }

    [Fact]
    public void TheStartDoesNotDependOnTheThreadCount()
    {
        // more than one chunk of draws (TrainingData.StartChunk), so that the threads share the work
        var batch = new SparseBatch(["x", "y"], [0, 2, 3], [10, 999, 500], [1f, 2f, 3f]);
        var counts = CorpusStart.TermCounts([batch], 1000);
        var one = CorpusStart.Lambda(counts, 17, seed: 5, threads: 1);
        var two = CorpusStart.Lambda(counts, 17, seed: 5, threads: 2);
        Assert.True(one.Length > 2 * TrainingData.StartChunk);
        Assert.Equal(one, two);
    }
}
