using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary><see cref="GpuBackend"/> on ILGPU's CPU accelerator: whole fits, the chunk pipeline,
/// and failures reported as <see cref="TopicEngineException"/>.</summary>
public sealed class GpuBackendTests(GpuTestAccelerator device) : IClassFixture<GpuTestAccelerator>
{
    private const int Vocabulary = 20;

    [Fact]
    public void Online_fit_gives_the_same_lambda_as_the_reference_backend()
    {
        const int topics = 3, batches = 4, documents = 5;
        var random = new Random(11);
        float[] lambda = GpuKernelCheck.GenerateLambda(random, Vocabulary, topics);
        float[] alpha = [0.3f, 0.2f, 0.1f];
        var corpus = Enumerable.Range(0, batches).Select(_ => GpuKernelCheck.GenerateBatch(random, Vocabulary, documents)).ToArray();

        float[] gpuLambda = Fit(new GpuBackend(device.Accelerator, topics), lambda, alpha, corpus, out double gpuBound);
        float[] referenceLambda = Fit(new ReferenceBackend(topics), lambda, alpha, corpus, out double referenceBound);

        var comparison = GpuKernelCheck.Compare("λ", gpuLambda, referenceLambda);
        Assert.True(comparison.Passed, $"max rel {comparison.MaxRelativeDifference:g3}");
        Assert.Equal(referenceBound, gpuBound, referenceBound * -1e-4);
    }

    [Fact]
    public void Batch_split_into_chunks_gives_the_same_gamma_and_statistics_as_one_chunk()
    {
        const int topics = 5, documents = 9;
        var random = new Random(5);
        float[] lambda = GpuKernelCheck.GenerateLambda(random, Vocabulary, topics);
        float[] alpha = Enumerable.Repeat(0.2f, topics).ToArray();
        var batch = GpuKernelCheck.GenerateBatch(random, Vocabulary, documents);
        using var whole = new GpuBackend(device.Accelerator, topics);
        using var chunked = new GpuBackend(device.Accelerator, topics, chunkDocuments: 2);   // 5 chunks, both slots, growing buffers
        whole.SetLambda(lambda, Vocabulary);
        chunked.SetLambda(lambda, Vocabulary);
        var wholeGamma = new float[documents * topics];
        var chunkedGamma = new float[documents * topics];

        var wholeResult = whole.LocalStep(batch, alpha, LocalStepOptions.Default, wholeGamma, true, true);
        var chunkedResult = chunked.LocalStep(batch, alpha, LocalStepOptions.Default, chunkedGamma, true, true);

        Assert.Equal(wholeGamma, chunkedGamma);
        Assert.Equal(wholeResult.Iterations, chunkedResult.Iterations);
        Assert.Equal(wholeResult.DocumentBound, chunkedResult.DocumentBound, 1e-3);
        var wholeStatistics = new float[lambda.Length];
        var chunkedStatistics = new float[lambda.Length];
        whole.GetStatistics(wholeStatistics);
        chunked.GetStatistics(chunkedStatistics);
        Assert.True(GpuKernelCheck.Compare("s", chunkedStatistics, wholeStatistics).MaxRelativeDifference < 1e-6);
    }

    [Fact]
    public void Non_finite_gamma_raises_an_error_naming_the_batch_and_document()
    {
        const int topics = 3;
        float[] lambda = Enumerable.Repeat(1f, Vocabulary * topics).ToArray();
        lambda[7 * topics + 1] = float.PositiveInfinity;   // term 7 → expElogβ = ∞ → γ = NaN
        var batch = new SparseBatch(["a", "b"], [0, 1, 3], [2, 4, 7], [1, 1, 2]);
        using var backend = new GpuBackend(device.Accelerator, topics);
        backend.SetLambda(lambda, Vocabulary);

        var error = Assert.Throws<TopicEngineException>(() =>
            backend.LocalStep(batch, [0.1f, 0.1f, 0.1f], LocalStepOptions.Default, new float[6], false, false));

        Assert.Contains("batch 1", error.Message);
        Assert.Contains("document 'b'", error.Message);
    }

    [Fact]
    public void Model_too_large_for_device_indexing_is_refused_with_the_numbers()
    {
        using var backend = new GpuBackend(device.Accelerator, topics: 1000);

        var error = Assert.Throws<TopicEngineException>(() => backend.SetLambda([], 3_000_000));

        Assert.Contains("3000000×1000", error.Message);
    }

    [Fact]
    public void Empty_batch_returns_zero_documents_and_a_zero_bound()
    {
        using var backend = new GpuBackend(device.Accelerator, topics: 2);
        backend.SetLambda(Enumerable.Repeat(1f, 2 * Vocabulary).ToArray(), Vocabulary);

        var result = backend.LocalStep(new SparseBatch([], [0], [], []), [0.5f, 0.5f], LocalStepOptions.Default, [], true, true);

        Assert.Equal(0, result.Documents);
        Assert.Equal(0, result.DocumentBound);
    }

    [Fact]
    public void Statistics_that_would_overflow_the_fixed_point_are_refused_until_the_next_global_step()
    {
        // s · 2³² in a long holds at most ~2.1e9 tokens of one term between two global steps (batch mode gathers a pass).
        using var backend = new GpuBackend(device.Accelerator, topics: 2);
        backend.SetLambda(Enumerable.Repeat(1f, 2 * Vocabulary).ToArray(), Vocabulary);
        var half = new SparseBatch(["big"], [0, 2], [3, 4], [1.5e9f, 1f]);
        var gamma = new float[2];
        var options = new LocalStepOptions(MaxIterations: 2);

        backend.LocalStep(half, [0.5f, 0.5f], options, gamma, accumulateStatistics: true, computeBound: false);
        var error = Assert.Throws<TopicEngineException>(() =>
            backend.LocalStep(half, [0.5f, 0.5f], options, gamma, accumulateStatistics: true, computeBound: false));

        Assert.Contains("term id 3", error.Message);
        Assert.Contains("64-bit fixed-point statistics", error.Message);
        backend.LocalStep(half, [0.5f, 0.5f], options, gamma, accumulateStatistics: false, computeBound: false);   // γ only: fine
        backend.GlobalStep(1f, 0f, 1f);
        backend.LocalStep(half, [0.5f, 0.5f], options, gamma, accumulateStatistics: true, computeBound: false);    // a new step
    }

    private static float[] Fit(ILdaBackend backend, float[] lambda, float[] alpha, SparseBatch[] corpus, out double lastBound)
    {
        using (backend)
        {
            const float tau0 = 1f, kappa = 0.7f, eta = 0.05f;
            int topics = backend.Topics;
            backend.SetLambda(lambda, Vocabulary);
            lastBound = 0;
            for (int t = 0; t < corpus.Length; t++)
            {
                var batch = corpus[t];
                var gamma = new float[batch.DocumentCount * topics];
                lastBound = backend.LocalStep(batch, alpha, GpuKernelCheck.Options, gamma, true, true).DocumentBound;
                float rho = MathF.Pow(tau0 + t, -kappa);
                backend.GlobalStep(rho, eta, scale: corpus.Length);
            }
            var result = new float[lambda.Length];
            backend.GetLambda(result);
            return result;
        }
    }
}
