using TopicEngine.Backends;

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

        Assert.Equal(9, results.Count);
        foreach (var result in results)
            Assert.True(result.Passed, $"{result.Kernel}: max abs {result.MaxAbsoluteDifference:g3}, max rel {result.MaxRelativeDifference:g3}");
    }
}
