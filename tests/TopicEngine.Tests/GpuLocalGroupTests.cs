using TopicEngine.Backends;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>The local-step group as a pure function of K and the device limits
/// (<see cref="GpuBackend.ChooseLocalGroup"/>), and a fit at large K on the CPU accelerator.</summary>
public sealed class GpuLocalGroupTests(GpuTestAccelerator device) : IClassFixture<GpuTestAccelerator>
{
    /// <summary>What ILGPU reports for a CUDA device: 48 KiB of shared memory per group (1.5.3 cannot opt in to more).</summary>
    private const long CudaSharedBytes = 48 * 1024;

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(1229)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(5000)]
    public void Group_keeps_eight_warps_and_fits_48_KiB_up_to_large_K(int topics)
    {
        var shape = GpuBackend.ChooseLocalGroup(topics, warpSize: 32, maxThreadsPerGroup: 1024, CudaSharedBytes);

        Assert.Equal(256, shape.Threads);
        Assert.Equal(256, shape.TokensPerChunk);
        var bytes = GpuBackend.LocalSharedBytes(topics, 32, shape);
        Assert.InRange(bytes.EStep, 1, CudaSharedBytes);
        Assert.InRange(bytes.Statistics, 1, CudaSharedBytes);
        Assert.InRange(bytes.Bound, 1, CudaSharedBytes);
        Assert.InRange(bytes.Completion, 1, CudaSharedBytes);
        Assert.True(bytes.EStep <= (topics + 256 + 16) * sizeof(float), "E-step shared memory must be O(K + tokens per chunk)");
    }

    [Fact]
    public void K_of_10000_is_refused_on_48_KiB_with_a_clear_error()
    {
        var error = Assert.Throws<TopicEngineException>(() =>
            GpuBackend.ChooseLocalGroup(10000, warpSize: 32, maxThreadsPerGroup: 1024, CudaSharedBytes, "NVIDIA H100"));

        Assert.Contains("K = 10000 topics", error.Message);
        Assert.Contains("'NVIDIA H100'", error.Message);
        Assert.Contains("48 KiB", error.Message);
        Assert.Contains("--device cpu", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(1229)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(10000)]
    public void Group_on_the_CPU_accelerator_limits_takes_every_K(int topics)
    {
        var accelerator = device.Accelerator;
        var shape = GpuBackend.ChooseLocalGroup(topics, accelerator.WarpSize, accelerator.MaxNumThreadsPerGroup,
            accelerator.MaxSharedMemoryPerGroup);

        Assert.Equal(Math.Min(8, accelerator.MaxNumThreadsPerGroup / accelerator.WarpSize) * accelerator.WarpSize, shape.Threads);
        Assert.Equal(shape.Threads, shape.TokensPerChunk);
        Assert.Equal(0, shape.Threads % accelerator.WarpSize);
    }

    [Fact]
    public void Group_is_a_pure_function_of_K_and_the_limits()
    {
        Assert.Equal(GpuBackend.ChooseLocalGroup(1229, 32, 1024, CudaSharedBytes), GpuBackend.ChooseLocalGroup(1229, 32, 1024, CudaSharedBytes));
        Assert.Equal(new GpuBackend.LocalGroupShape(64, 64), GpuBackend.ChooseLocalGroup(1229, 32, 64, CudaSharedBytes));
        Assert.Equal(new GpuBackend.LocalGroupShape(32, 32), GpuBackend.ChooseLocalGroup(3, 32, 32, CudaSharedBytes));
    }

    [Fact]
    public void Fit_at_K_5000_runs_on_the_GPU_backend_and_agrees_with_the_reference()
    {
        // Regression: from K = 4,096 the backend refused to run (warps × K floats of shared memory).
        const int topics = 5000, v = 6;
        var corpus = new Corpus.InMemoryCorpus(v);
        corpus.Add("a", [0, 2], [2f, 1f]);
        corpus.Add("b", [1, 3, 5], [1f, 1f, 3f]);
        corpus.Add("empty", [], []);
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var lambda = BackendContractTests.RandomLambda(v, topics, seed: 1);
        var alpha = Enumerable.Repeat(1f / topics, topics).ToArray();
        var options = new LocalStepOptions(MaxIterations: 3, Tolerance: 1e-4f);
        using var backend = new GpuBackend(device.Accelerator, topics);
        using var reference = new ReferenceBackend(topics);
        var gamma = new float[batch.DocumentCount * topics];
        var expectedGamma = new float[gamma.Length];
        var actual = new float[v * topics];
        var expected = new float[v * topics];
        foreach (var (b, g) in new (ILdaBackend, float[])[] { (backend, gamma), (reference, expectedGamma) })
        {
            b.SetLambda(lambda, v);
            b.LocalStep(batch, alpha, options, g, accumulateStatistics: true, computeBound: true);
            b.GlobalStep(0.7f, 0.01f, 2f);
        }
        backend.GetLambda(actual);
        reference.GetLambda(expected);

        Assert.True(GpuKernelCheck.Compare("γ", gamma, expectedGamma).MaxRelativeDifference < 1e-4);
        var lambdaComparison = GpuKernelCheck.Compare("λ", actual, expected);
        Assert.True(lambdaComparison.MaxRelativeDifference < 1e-4, $"λ: max rel {lambdaComparison.MaxRelativeDifference:g3}");
    }
}
