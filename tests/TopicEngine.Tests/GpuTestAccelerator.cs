using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace TopicEngine.Tests;

/// <summary>An ILGPU context with one CPU-simulator accelerator, shared by a test class.</summary>
public abstract class SimulatorAccelerator : IDisposable
{
    protected SimulatorAccelerator(CPUDevice device)
    {
        Context = Context.Create(builder => builder.CPU(device).EnableAlgorithms());
        Accelerator = Context.CreateCPUAccelerator(0);
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>ILGPU's default simulator: warp size 4, 16 threads per group, so several warps per
/// group and K values that are not multiples of the warp.</summary>
public sealed class GpuTestAccelerator() : SimulatorAccelerator(CPUDevice.Default);

/// <summary>The smallest groups that still have several warps (warp 2, 2 warps per group): the
/// simulator pays for every barrier and shuffle with OS-thread synchronisation, so the backend
/// contract suite, written for CPU speed, runs in seconds here.</summary>
public sealed class SmallGroupTestAccelerator() : SimulatorAccelerator(new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1));

/// <summary>A CUDA-shaped simulator: warp size 32, 8 warps, 256 threads per group (what the backend
/// picks on a real GPU), so lane and warp arithmetic, shuffles and barriers run at the widths of a
/// CUDA device.</summary>
public sealed class Warp32TestAccelerator() : SimulatorAccelerator(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1));
