using TopicEngine.Backends;

namespace TopicEngine.Tests;

/// <summary>The probe behind <c>--device auto</c> runs every kernel, the local-step ones included.</summary>
public sealed class GpuDeviceProbeTests(SmallGroupTestAccelerator device) : IClassFixture<SmallGroupTestAccelerator>
{
    [Fact]
    public void Probe_runs_one_local_step_of_a_two_document_batch()
    {
        var result = DeviceSelector.Probe(device.Accelerator);

        Assert.Equal(2, result.Documents);
        Assert.Equal(4, result.Tokens);
        Assert.True(result.Iterations >= 2, $"iterations {result.Iterations}");
        Assert.True(double.IsFinite(result.DocumentBound) && result.DocumentBound < 0, $"bound {result.DocumentBound}");
    }
}
