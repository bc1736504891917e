using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>
/// <see cref="TrainingData.Shuffled"/>: every training document once per pass, as many full mini-batches as in corpus
/// order, a seeded order that changes with the pass, and windows that bound how far a document can move.
/// </summary>
public sealed class TrainingShuffleTests
{
    private static InMemoryCorpus Corpus(int documents)
    {
        var corpus = new InMemoryCorpus(50);
        for (int d = 0; d < documents; d++)
            corpus.Add($"doc{d}", [d % 25, 25 + (d * 7) % 25], [1 + d % 3, 2]);
        return corpus;
    }

    private static List<SparseBatch> Deal(InMemoryCorpus corpus, bool[] mask, int batchSize, int seed, int pass, long window = TrainingOptions.ShuffleWindowNonZeros) =>
        [.. TrainingData.Shuffled(TrainingData.TrainingBatches(corpus, mask, batchSize, null), batchSize, seed, pass, window)];

    [Fact]
    public void APassDealsEveryTrainingDocumentOnceInFullBatchesWithItsOwnTermsAndCounts()
    {
        var corpus = Corpus(103);
        var mask = TrainingData.ChooseHeldOut(corpus.DocumentCount, 0.1, 1000, seed: 3);
        var inOrder = TrainingData.TrainingBatches(corpus, mask, 16, null).ToList();
        var shuffled = Deal(corpus, mask, 16, seed: 3, pass: 0);

        Assert.Equal(inOrder.Count, shuffled.Count);
        Assert.All(shuffled.SkipLast(1), b => Assert.Equal(16, b.DocumentCount));
        var expected = inOrder.SelectMany(b => Enumerable.Range(0, b.DocumentCount).Select(d => (b.Keys[d], string.Join(',', b.DocumentTerms(d).ToArray()), string.Join(',', b.DocumentCounts(d).ToArray()))));
        var actual = shuffled.SelectMany(b => Enumerable.Range(0, b.DocumentCount).Select(d => (b.Keys[d], string.Join(',', b.DocumentTerms(d).ToArray()), string.Join(',', b.DocumentCounts(d).ToArray()))));
        Assert.Equal(expected.OrderBy(x => x.Item1), actual.OrderBy(x => x.Item1));
        Assert.NotEqual(inOrder.SelectMany(b => b.Keys), shuffled.SelectMany(b => b.Keys));
    }

    [Fact]
    public void TheOrderIsFixedBySeedAndPassAndDiffersBetweenPasses()
    {
        var corpus = Corpus(200);
        var mask = new bool[200];
        var keys = (int seed, int pass) => string.Join(' ', Deal(corpus, mask, 20, seed, pass).SelectMany(b => b.Keys));
        Assert.Equal(keys(1, 0), keys(1, 0));
        Assert.NotEqual(keys(1, 0), keys(1, 1));
        Assert.NotEqual(keys(1, 0), keys(2, 0));
    }

    [Fact]
    public void AWindowKeepsItsDocumentsTogether()
    {
        var corpus = Corpus(120);   // two entries per document: a window of 80 entries is 40 documents, i.e. 4 batches of 10
        var shuffled = Deal(corpus, new bool[120], 10, seed: 5, pass: 0, window: 80);
        Assert.Equal(12, shuffled.Count);
        for (int w = 0; w < 3; w++)
        {
            var documents = shuffled.Skip(4 * w).Take(4).SelectMany(b => b.Keys).Select(k => int.Parse(k[3..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            Assert.Equal(Enumerable.Range(40 * w, 40), documents);
        }
    }
}
