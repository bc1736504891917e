using ILGPU;
using ILGPU.Runtime;
using TopicEngine.Backends;
using TopicEngine.Inference;
using TopicEngine.Kernels;

namespace TopicEngine.Tests;

/// <summary>Every kernel on ILGPU's CPU accelerator agrees with <see cref="ReferenceBackend"/> within
/// 1e-4 relative, on batches with an empty and a one-token document, for K that are and are not
/// multiples of the (simulated) warp size.</summary>
public sealed class GpuKernelTests(GpuTestAccelerator device) : IClassFixture<GpuTestAccelerator>
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(33)]
    public void Every_kernel_matches_the_reference_backend(int topics)
    {
        var results = GpuKernelCheck.Run(device.Accelerator, topics, vocabulary: 23, documents: 6, seed: topics);

        Assert.Equal(12, results.Count);
        Assert.Contains(results, r => r.Kernel == "EStep (γ after 1 iteration)");
        Assert.Contains(results, r => r.Kernel == "EStep (γ, one iteration from the settled γ)");
        Assert.Contains(results, r => r.Kernel.StartsWith("EStep (200 iterations: residual under one reference step", StringComparison.Ordinal));
        Assert.Contains(results, r => r.Kernel == "DocumentBound (each document)");
        foreach (var result in results)
            Assert.True(result.Passed, $"{result.Kernel}: max abs {result.MaxAbsoluteDifference:g3}, max rel {result.MaxRelativeDifference:g3}");
    }

    /// <summary>The two-slot pipeline in chunks of 2 … 7 documents (one document per chunk is the probe's case) gives γ and
    /// statistics equal to one chunk's bit for bit: documents are independent, and the fixed-point statistics do not
    /// depend on the order of the adds. <c>devices --check --chunk</c> runs the same comparison on a GPU, up to 256.</summary>
    [Theory]
    [InlineData(3, 2)]
    [InlineData(17, 3)]
    [InlineData(33, 7)]
    public void A_chunked_batch_gives_bit_identical_gamma_and_statistics_to_one_chunk(int topics, int chunk)
    {
        var results = GpuKernelCheck.Run(device.Accelerator, topics, vocabulary: 23, documents: 8, seed: topics, documentTerms: 6, chunkDocuments: chunk);

        var chunked = results.Where(r => r.Kernel.Contains($"chunks of {chunk} vs one chunk")).ToArray();
        Assert.Equal(3, chunked.Length);
        foreach (var result in results)
            Assert.True(result.Passed, $"{result.Kernel}: max abs {result.MaxAbsoluteDifference:g3}, max rel {result.MaxRelativeDifference:g3}");
        Assert.All(chunked, r => Assert.Equal(0, r.MaxAbsoluteDifference));
    }

    /// <summary>The long run is judged by how far one reference step moves it: the reference's own settled γ passes, and a γ
    /// that settled elsewhere (here the settled γ with a tenth moved between two topics of each document) fails.</summary>
    [Fact]
    public void A_long_run_that_settled_elsewhere_fails_the_fixed_point_check()
    {
        const int topics = 17, vocabulary = 23;
        var (lambda, alpha, batch) = GpuKernelCheck.GenerateInputs(topics, vocabulary, topics, documents: 6, documentTerms: 6);
        var reference = new ReferenceBackend(topics);
        reference.SetLambda(lambda, vocabulary);
        var settled = new float[batch.DocumentCount * topics];
        new LocalStepRunner(reference, GpuKernelCheck.Options).Step(batch, alpha, settled, LocalStepRequest.GammaOnly);
        var elsewhere = (float[])settled.Clone();
        for (int d = 2; d < batch.DocumentCount; d++)
        {
            int top = Array.IndexOf(settled, settled.AsSpan(d * topics, topics).ToArray().Max(), d * topics);
            int other = d * topics + (top - d * topics + 1) % topics;
            float moved = 0.1f * elsewhere[top];
            elsewhere[top] -= moved;
            elsewhere[other] += moved;
        }

        Assert.True(GpuKernelCheck.FixedPointResidual(reference, batch, alpha, settled, settled).Passed);
        Assert.False(GpuKernelCheck.FixedPointResidual(reference, batch, alpha, elsewhere, settled).Passed);
    }

    /// <summary>Documents of 18, 40 and 37 distinct terms span two or three token tiles of the E-step (16 tokens per tile on this
    /// simulator), each with a partial last tile. After one iteration γ depends on every tile once and must agree with the
    /// reference to float rounding; a tile skipped, read stale or summed twice moves it by far more than 1e-5.</summary>
    [Fact]
    public void Documents_spanning_several_token_tiles_match_the_reference_after_one_iteration()
    {
        const int topics = 100, vocabulary = 400;
        var (lambda, alpha, batch) = GpuKernelCheck.GenerateInputs(topics, vocabulary, topics, documents: 6, documentTerms: 64);
        using var gpu = new GpuBackend(device.Accelerator, topics);
        int tile = GpuBackend.ChooseLocalGroup(topics, device.Accelerator.WarpSize, device.Accelerator.MaxNumThreadsPerGroup,
            device.Accelerator.MaxSharedMemoryPerGroup).TokensPerChunk;
        var lengths = Enumerable.Range(0, batch.DocumentCount).Select(d => batch.DocumentOffsets[d + 1] - batch.DocumentOffsets[d]).ToArray();
        Assert.Contains(lengths, n => n > 2 * tile && n % tile != 0);

        var reference = new ReferenceBackend(topics);
        gpu.SetLambda(lambda, vocabulary);
        reference.SetLambda(lambda, vocabulary);
        var gpuGamma = new float[batch.DocumentCount * topics];
        var referenceGamma = new float[batch.DocumentCount * topics];
        var request = new LocalStepRequest(AccumulateStatistics: false, ComputeBound: false);
        new LocalStepRunner(gpu, GpuKernelCheck.OneIteration).Step(batch, alpha, gpuGamma, request);
        new LocalStepRunner(reference, GpuKernelCheck.OneIteration).Step(batch, alpha, referenceGamma, request);

        var result = GpuKernelCheck.Compare("EStep (γ after 1 iteration)", gpuGamma, referenceGamma);
        Assert.True(result.MaxRelativeDifference < 1e-5, $"max rel {result.MaxRelativeDifference:g3} over tiles of {tile} tokens");
    }

    [Fact]
    public void Identical_fails_on_a_one_ulp_difference()
    {
        float[] a = [1f, 2f];
        float[] b = [1f, MathF.BitIncrement(2f)];
        Assert.True(GpuKernelCheck.Identical("x", a, a).Passed);
        Assert.False(GpuKernelCheck.Identical("x", b, a).Passed);
    }

    [Fact]
    public void Every_kernel_launch_is_described_with_its_group_shared_memory_and_occupancy()
    {
        using var backend = new GpuBackend(device.Accelerator, topics: 100);
        var launches = backend.DescribeLaunches();

        Assert.Equal(7, launches.Count);
        var eStep = launches.Single(l => l.Kernel == "EStep");
        Assert.Equal(backend.LocalGroupSize, eStep.GroupSize);
        Assert.Equal(GpuBackend.LocalSharedBytes(100, device.Accelerator.WarpSize, backend.LocalGroup).EStep, eStep.SharedMemoryBytes);
        Assert.All(launches, l => Assert.True(l.GroupSize > 0 && l.SharedMemoryBytes > 0, l.ToString()));
        Assert.All(launches, l => Assert.True(double.IsNaN(l.Occupancy) || l.Occupancy is > 0 and <= 1, l.ToString()));
    }

    [Fact]
    public void Device_LogGamma_and_Digamma_match_SpecialFunctions_from_tiny_to_huge_x()
    {
        // Below, across and above the recurrence's threshold 6, near the zeros of lnΓ (1, 2), and huge.
        float[] x = [1e-6f, 0.01f, 0.3f, 1f, 1.5f, 2f, 3.7f, 5.99f, 6f, 6.01f, 17.5f, 123.4f, 1e4f, 1e6f, 1e15f, 1e30f];
        var (logGamma, digamma) = RunSpecialFunctions(x);

        for (int i = 0; i < x.Length; i++)
        {
            double expectedLogGamma = SpecialFunctions.LogGamma((double)x[i]);
            double expectedDigamma = SpecialFunctions.Digamma((double)x[i]);
            // float evaluation: relative 1e-5, or absolute 1e-5 where the value passes through 0
            Assert.True(Math.Abs(logGamma[i] - expectedLogGamma) <= 1e-5 * Math.Max(1, Math.Abs(expectedLogGamma)),
                $"lnΓ({x[i]}): device {logGamma[i]}, host {expectedLogGamma}");
            Assert.True(Math.Abs(digamma[i] - expectedDigamma) <= 1e-5 * Math.Max(1, Math.Abs(expectedDigamma)),
                $"ψ({x[i]}): device {digamma[i]}, host {expectedDigamma}");
        }
    }

    [Fact]
    public void Device_LogGamma_and_Digamma_keep_the_host_edges_at_0_NaN_negative_and_infinity()
    {
        float[] x = [0f, float.NaN, -1.5f, float.PositiveInfinity];
        var (logGamma, digamma) = RunSpecialFunctions(x);

        Assert.Equal([float.PositiveInfinity, float.NaN, float.NaN, float.PositiveInfinity], logGamma);
        Assert.Equal([float.NegativeInfinity, float.NaN, float.NaN, float.PositiveInfinity], digamma);
    }

    private (float[] LogGamma, float[] Digamma) RunSpecialFunctions(float[] x)
    {
        var accelerator = device.Accelerator;
        var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(DeviceMathTestKernels.LogGammaAndDigamma);
        using var input = accelerator.Allocate1D(x);
        using var logGamma = accelerator.Allocate1D<float>(x.Length);
        using var digamma = accelerator.Allocate1D<float>(x.Length);
        kernel(x.Length, input.View, logGamma.View, digamma.View);
        accelerator.Synchronize();
        return (logGamma.GetAsArray1D(), digamma.GetAsArray1D());
    }
}

/// <summary>Kernels that exist only for tests (public: ILGPU's CPU accelerator calls them from a dynamic assembly).</summary>
public static class DeviceMathTestKernels
{
    /// <summary>lnΓ(x) and ψ(x) of <see cref="DeviceMath"/> for every x.</summary>
    public static void LogGammaAndDigamma(
        Index1D i,                       // element
        ArrayView<float> x,              // inputs
        ArrayView<float> logGamma,       // out lnΓ(x)
        ArrayView<float> digamma)        // out ψ(x)
    {
        logGamma[i] = DeviceMath.LogGamma(x[i]);
        digamma[i] = DeviceMath.Digamma(x[i]);
    }
}
