using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using TopicEngine.Kernels;

namespace TopicEngine.Tests;

/// <summary>Every kernel compiles to PTX for an H100 (sm_90) without a GPU, so a kernel that CUDA
/// cannot take fails on every commit, not only on a machine that has a GPU. Uses no CUDA driver.</summary>
public sealed class PtxCompileTests
{
    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (var kernel in KernelCatalog.All) data.Add(kernel.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_compiles_to_PTX_for_sm_90(string name)
    {
        var kernel = KernelCatalog.All.Single(k => k.Name == name);
        using var context = Context.Create(builder => builder.EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90),
            CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null);
        var entry = kernel.ExplicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);

        var compiled = Assert.IsType<PTXCompiledKernel>(backend.Compile(entry, KernelSpecialization.Empty));

        // ILGPU 1.5.3 targets sm_80 PTX for sm_90; the driver JIT-compiles it for the H100.
        Assert.Contains(".target sm_", compiled.PTXAssembly);
        Assert.Contains($".entry Kernel_{name}(", compiled.PTXAssembly);
    }
}
