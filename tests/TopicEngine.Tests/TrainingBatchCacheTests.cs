using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>The passes of a fit read a small corpus once (<see cref="TrainingBatchCache"/>) and stream a large one every pass.</summary>
public sealed class TrainingBatchCacheTests
{
    private static SparseBatch Batch(int nonZeros) =>
        new(["d"], [0, nonZeros], Enumerable.Range(0, nonZeros).ToArray(), Enumerable.Repeat(1f, nonZeros).ToArray());

    private static IEnumerable<SparseBatch> Counted(Action onRead, params int[] nonZeros)
    {
        onRead();
        foreach (int n in nonZeros) yield return Batch(n);
    }

    [Fact]
    public void ABatchSetWithinTheLimitIsReadOnceAndGivenBackInOrder()
    {
        int reads = 0;
        var cache = new TrainingBatchCache(limitNonZeros: 10);
        var first = cache.Batches(() => Counted(() => reads++, 3, 4, 3)).ToList();
        var second = cache.Batches(() => Counted(() => reads++, 3, 4, 3)).ToList();
        var third = cache.Batches(() => Counted(() => reads++, 3, 4, 3)).ToList();
        Assert.Equal(1, reads);
        Assert.Equal(first, second);   // the same batch objects, in the same order
        Assert.Equal(first, third);
    }

    [Fact]
    public void ABatchSetOverTheLimitIsReadEveryPass()
    {
        int reads = 0;
        var cache = new TrainingBatchCache(limitNonZeros: 10);
        for (int pass = 0; pass < 3; pass++)
            Assert.Equal(3, cache.Batches(() => Counted(() => reads++, 3, 4, 4)).Count());
        Assert.Equal(3, reads);
    }

    [Fact]
    public void APassLeftBeforeItsEndIsNotKept()
    {
        int reads = 0;
        var cache = new TrainingBatchCache(limitNonZeros: 100);
        Assert.Single(cache.Batches(() => Counted(() => reads++, 3, 4, 3)).Take(1));
        Assert.Equal(3, cache.Batches(() => Counted(() => reads++, 3, 4, 3)).Count());
        Assert.Equal(3, cache.Batches(() => Counted(() => reads++, 3, 4, 3)).Count());
        Assert.Equal(2, reads);
    }
}
