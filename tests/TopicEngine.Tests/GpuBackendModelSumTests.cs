using TopicEngine.Backends;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>The reductions over λ on <see cref="GpuBackend"/> (ILGPU's CPU accelerator) in the shapes the
/// contract suite does not reach: a scored batch split into chunks, and a model reloaded with another V.</summary>
public sealed class GpuBackendModelSumTests(SmallGroupTestAccelerator device) : IClassFixture<SmallGroupTestAccelerator>
{
    [Fact]
    public void Completion_split_into_chunks_gives_the_same_sum_as_one_chunk()
    {
        const int v = 20, topics = 5, documents = 9;
        var random = new Random(31);
        float[] lambda = GpuKernelCheck.GenerateLambda(random, v, topics);
        var scored = GpuKernelCheck.GenerateBatch(random, v, documents);   // document 0 empty, document 1 one token
        float[] gamma = Enumerable.Range(0, documents * topics).Select(_ => 0.1f + 4 * random.NextSingle()).ToArray();
        using var whole = new GpuBackend(device.Accelerator, topics);
        using var chunked = new GpuBackend(device.Accelerator, topics, chunkDocuments: 2);   // 5 chunks, growing buffers
        whole.SetLambda(lambda, v);
        chunked.SetLambda(lambda, v);

        double wholeSum = whole.CompletionLogLikelihood(scored, gamma);
        double chunkedSum = chunked.CompletionLogLikelihood(scored, gamma);

        Assert.Equal(wholeSum, chunkedSum);   // the same per-document values, added in the same order
        double expected = LdaMath.CompletionLogLikelihood(lambda, v, topics, scored, gamma);
        Assert.True(Math.Abs(chunkedSum - expected) <= 1e-4 * Math.Abs(expected), $"expected {expected}, got {chunkedSum}");
    }

    [Fact]
    public void Model_sums_follow_a_reload_with_a_larger_vocabulary()
    {
        const int topics = 3;
        const float eta = 0.5f;
        var random = new Random(32);
        using var backend = new GpuBackend(device.Accelerator, topics);
        backend.SetLambda(GpuKernelCheck.GenerateLambda(random, 20, topics), 20);
        backend.TopicWordBound(eta);
        float[] grown = GpuKernelCheck.GenerateLambda(random, 31, topics);

        backend.SetLambda(grown, 31);

        double bound = LdaMath.TopicWordBound(grown, 31, topics, eta, threads: 1);
        double sumElogBeta = DirichletPriors.SumElogBeta(grown, 31, topics, threads: 1);
        Assert.True(Math.Abs(backend.TopicWordBound(eta) - bound) <= 1e-4 * Math.Abs(bound), $"bound: expected {bound}, got {backend.TopicWordBound(eta)}");
        Assert.True(Math.Abs(backend.SumElogBeta() - sumElogBeta) <= 1e-4 * Math.Abs(sumElogBeta), $"Σ Elogβ: expected {sumElogBeta}, got {backend.SumElogBeta()}");
    }
}
