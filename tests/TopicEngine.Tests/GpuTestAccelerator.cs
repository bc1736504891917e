using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace TopicEngine.Tests;

/// <summary>One ILGPU context with the CPU accelerator (warp size 4, 16 threads per group: several
/// warps per group, and K values that are not multiples of the warp) shared by a test class.</summary>
public sealed class GpuTestAccelerator : IDisposable
{
    public GpuTestAccelerator()
    {
        Context = Context.Create(builder => builder.CPU(CPUDevice.Default).EnableAlgorithms());
        Accelerator = Context.CreateCPUAccelerator(0);
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

/// <summary>ILGPU's CPU simulator with the smallest groups that still have several warps (warp 2,
/// 2 warps per group): the simulator pays for every barrier and shuffle with OS-thread
/// synchronisation, so the backend contract suite, written for CPU speed, runs in seconds here.</summary>
public sealed class SmallGroupTestAccelerator : IDisposable
{
    public SmallGroupTestAccelerator()
    {
        Context = Context.Create(builder => builder.CPU(new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1)).EnableAlgorithms());
        Accelerator = Context.CreateCPUAccelerator(0);
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}
