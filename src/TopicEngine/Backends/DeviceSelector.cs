using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

/// <summary>What <c>--device</c> asks for.</summary>
internal enum DeviceKind
{
    /// <summary>First CUDA device, then OpenCL, else the CPU backend.</summary>
    Auto,
    /// <summary>A CUDA device, or an error.</summary>
    Cuda,
    /// <summary>An OpenCL device, or an error.</summary>
    OpenCL,
    /// <summary>The CPU backend.</summary>
    Cpu,
    /// <summary>The GPU backend on ILGPU's CPU simulator: every kernel runs, slowly, without a GPU (scripts and tests).</summary>
    Simulator,
}

/// <summary>One device as ILGPU sees it, for <c>topic-engine devices</c>.</summary>
internal sealed record DeviceDescription(string Kind, string Name, long MemoryBytes, int WarpSize, int MaxGroupSize,
    int Multiprocessors, string? ComputeCapability, string? Note);

/// <summary>
/// The device a run uses: what was chosen and why (<see cref="Description"/>, e.g.
/// "cuda: NVIDIA H100 80GB HBM3 (80 GB)" or "cpu: no CUDA or OpenCL device found"), a warning when
/// <c>auto</c> fell back, and a factory for the matching <see cref="ILdaBackend"/>. Owns the ILGPU
/// context and accelerator: dispose it after every backend it created.
/// </summary>
internal sealed class DeviceChoice : IDisposable
{
    private readonly Context? _context;
    private readonly Func<int, int, ILdaBackend> _factory;

    internal DeviceChoice(string kind, string description, string? warning, Context? context, Accelerator? accelerator,
        Func<int, int, ILdaBackend> factory)
    {
        Kind = kind;
        Description = description;
        Warning = warning;
        _context = context;
        Accelerator = accelerator;
        _factory = factory;
    }

    /// <summary>"cuda", "opencl" or "cpu".</summary>
    public string Kind { get; }

    /// <summary>What was chosen and why, one line.</summary>
    public string Description { get; }

    /// <summary>Why <c>auto</c> did not take a GPU it found; null when nothing went wrong.</summary>
    public string? Warning { get; }

    /// <summary>The ILGPU accelerator (null for the CPU backend).</summary>
    public Accelerator? Accelerator { get; }

    /// <summary>Creates the backend for K = <paramref name="topics"/>: a <see cref="GpuBackend"/> on the
    /// chosen accelerator, or a <see cref="CpuBackend"/> with <paramref name="threads"/> workers (0 = all cores).</summary>
    public ILdaBackend CreateBackend(int topics, int threads) => _factory(topics, threads);

    /// <summary>Disposes the accelerator and the context.</summary>
    public void Dispose()
    {
        Accelerator?.Dispose();
        _context?.Dispose();
    }
}

/// <summary>
/// Chooses the device for <c>--device auto|cuda|opencl|cpu</c>. <c>auto</c> takes the first CUDA
/// device, then the first OpenCL device, else the CPU backend, and says which and why. Creating
/// the GPU accelerator and loading every kernel on it (the PTX JIT) is the first thing a GPU run
/// does, so a driver or architecture problem (e.g. ILGPU issue 1540 on H100 with 1.5.1) shows
/// before any data is read: <c>auto</c> then falls back to the CPU with a warning, an explicit
/// <c>cuda</c>/<c>opencl</c> fails with a <see cref="TopicEngineException"/>.
/// </summary>
internal static class DeviceSelector
{
    private static int s_resolverInstalled;

    /// <summary>The <c>--device</c> values, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "cuda", "opencl", "cpu", "ilgpu-cpu"];

    /// <summary>Parses a <c>--device</c> value (one of <see cref="Names"/>).</summary>
    public static DeviceKind Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => DeviceKind.Auto,
        "cuda" => DeviceKind.Cuda,
        "opencl" => DeviceKind.OpenCL,
        "cpu" => DeviceKind.Cpu,
        "ilgpu-cpu" => DeviceKind.Simulator,
        _ => throw new TopicEngineException($"unknown --device '{value}'; use auto, cuda, opencl, cpu or ilgpu-cpu"),
    };

    /// <summary>Chooses and initialises the device. The CPU choice creates the engine's CPU backend.</summary>
    /// <exception cref="TopicEngineException">An explicit cuda/opencl device is missing or fails to start.</exception>
    public static DeviceChoice Select(DeviceKind kind)
    {
        if (kind == DeviceKind.Cpu) return CpuChoice("cpu: chosen with --device cpu", warning: null);
        if (kind == DeviceKind.Simulator)
        {
            var (simulatorContext, simulator) = CreateSimulator();
            return new DeviceChoice("ilgpu-cpu", $"ilgpu-cpu: ILGPU CPU simulator, warp {simulator.WarpSize}, {simulator.MaxNumThreadsPerGroup} threads per group (the GPU kernels, slowly)",
                null, simulatorContext, simulator, (topics, _) => new GpuBackend(simulator, topics));
        }

        InstallCudaLibraryResolver();
        var context = Context.Create(builder => builder.Cuda(_ => true).OpenCL(_ => true).EnableAlgorithms());
        try
        {
            var warnings = new List<string>();
            if (kind is DeviceKind.Auto or DeviceKind.Cuda)
            {
                var choice = TryDevices(context, AcceleratorType.Cuda, "cuda", warnings);
                if (choice is not null) return choice;
                if (kind == DeviceKind.Cuda)
                    throw new TopicEngineException(warnings.Count > 0
                        ? $"--device cuda: {warnings[0]}; use --device auto or --device cpu"
                        : "--device cuda: no CUDA device found (ILGPU needs the NVIDIA driver's libcuda.so or libcuda.so.1); use --device auto or --device cpu");
            }
            if (kind is DeviceKind.Auto or DeviceKind.OpenCL)
            {
                var choice = TryDevices(context, AcceleratorType.OpenCL, "opencl", warnings);
                if (choice is not null) return choice;
                if (kind == DeviceKind.OpenCL)
                    throw new TopicEngineException(warnings.Count > 0
                        ? $"--device opencl: {warnings[^1]}; use --device auto or --device cpu"
                        : "--device opencl: no OpenCL device that ILGPU supports was found (it needs OpenCL 2.0 with generic address space); use --device auto or --device cpu");
            }
            context.Dispose();
            string warning = string.Join("; ", warnings);
            return CpuChoice(warnings.Count == 0 ? "cpu: no CUDA or OpenCL device found" : "cpu: no GPU could be initialised",
                warnings.Count == 0 ? null : warning + "; falling back to the CPU backend");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Everything ILGPU sees: CUDA and OpenCL devices (also those it cannot use) and its CPU accelerator.</summary>
    public static IReadOnlyList<DeviceDescription> Describe()
    {
        InstallCudaLibraryResolver();
        using var context = Context.Create(builder => builder.Cuda(_ => true).OpenCL(_ => true).CPU(CPUDevice.Default).EnableAlgorithms());
        var list = new List<DeviceDescription>();
        foreach (var device in context.Devices)
        {
            string kind = device.AcceleratorType switch
            {
                AcceleratorType.Cuda => "cuda",
                AcceleratorType.OpenCL => "opencl",
                _ => "cpu",
            };
            string? capability = null, note = null;
            if (device is CudaDevice cuda)
            {
                capability = cuda.Architecture is { } architecture ? $"{architecture.Major}.{architecture.Minor}" : null;
                if (cuda.Architecture is null || cuda.InstructionSet is null)
                    note = $"not supported by ILGPU 1.5.3 with driver {cuda.DriverVersion}";
            }
            else if (device is CLDevice cl)
            {
                note = cl.Capabilities.GenericAddressSpace ? null : "no generic address space: ILGPU cannot run kernels on it";
            }
            else
            {
                note = "ILGPU's CPU simulator, for kernel tests only; --device cpu uses the much faster CPU backend";
            }
            list.Add(new DeviceDescription(kind, device.Name, device.MemorySize, device.WarpSize, device.MaxNumThreadsPerGroup,
                device.NumMultiprocessors, capability, note));
        }
        return list;
    }

    /// <summary>Creates a CPU accelerator of ILGPU's simulator (warp 4, 16 threads per group), for <c>devices --check</c> and tests.</summary>
    public static (Context Context, Accelerator Accelerator) CreateSimulator()
    {
        var context = Context.Create(builder => builder.CPU(CPUDevice.Default).EnableAlgorithms());
        return (context, context.CreateCPUAccelerator(0));
    }

    /// <summary>Loads every kernel on <paramref name="accelerator"/> and runs each once on a tiny model (K = 2, V = 2):
    /// λ set (global-step kernels), then one local step of a 2-document batch in two chunks of one document
    /// (E-step, statistics, bound, both pipeline slots) and a global step. A kernel that faults on the device then
    /// fails here, where <c>--device auto</c> can still fall back to the CPU, not in the middle of a fit.</summary>
    /// <returns>The probe's local step (2 documents, 4 tokens).</returns>
    /// <exception cref="TopicEngineException">γ or the bound came back NaN or infinite.</exception>
    internal static LocalStepResult Probe(Accelerator accelerator)
    {
        using var probe = new GpuBackend(accelerator, topics: 2, chunkDocuments: 1);
        probe.SetLambda([1f, 2f, 3f, 0.5f], 2);
        var batch = new SparseBatch(["probe-0", "probe-1"], [0, 2, 3], [0, 1, 1], [1f, 2f, 1f]);
        var gamma = new float[4];
        var runner = new LocalStepRunner(probe, new LocalStepOptions(MaxIterations: 5));
        var result = runner.Step(batch, [0.5f, 0.5f], gamma, new LocalStepRequest(AccumulateStatistics: true, ComputeBound: true));
        probe.GlobalStep(0.5f, 0.1f, 1f);
        if (!gamma.All(float.IsFinite) || !double.IsFinite(result.DocumentBound))
            throw new TopicEngineException($"the local step of the device probe gave non-finite γ or bound on '{accelerator.Name}'");
        return result;
    }

    /// <summary>Creates an accelerator for each device in turn and runs every kernel on it once
    /// (<see cref="Probe"/>); the first that works is chosen.</summary>
    private static DeviceChoice? TryDevices(Context context, AcceleratorType type, string kind, List<string> warnings)
    {
        foreach (var device in context.Devices.Where(d => d.AcceleratorType == type))
        {
            Accelerator? accelerator = null;
            try
            {
                accelerator = device.CreateAccelerator(context);
                Probe(accelerator);
                var chosen = accelerator;
                string description = $"{kind}: {device.Name} ({Math.Round(device.MemorySize / 1e9)} GB)";
                return new DeviceChoice(kind, description, null, context, chosen,
                    (topics, _) => new GpuBackend(chosen, topics));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                accelerator?.Dispose();
                warnings.Add($"{kind} device '{device.Name}' failed to initialise ({e.GetType().Name}: {FirstLine(e.Message)})");
            }
        }
        return null;
    }

    private static DeviceChoice CpuChoice(string description, string? warning) =>
        new("cpu", description, warning, null, null, (topics, threads) => new CpuBackend(topics, threads));

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    /// <summary>ILGPU imports the CUDA driver as "cuda", which finds only libcuda.so; machines with
    /// the driver but without its development link have only libcuda.so.1. Point the loader at it.
    /// Not on WSL, where ILGPU installs its own resolver.</summary>
    private static void InstallCudaLibraryResolver()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_resolverInstalled, 1) != 0) return;
        try
        {
            if (File.Exists("/proc/version") && File.ReadAllText("/proc/version").Contains("Microsoft", StringComparison.OrdinalIgnoreCase))
                return;
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, ResolveCuda);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already installed for ILGPU; leave it.
        }
    }

    private static IntPtr ResolveCuda(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != "cuda") return IntPtr.Zero;
        foreach (var candidate in (string[])["libcuda.so", "libcuda.so.1"])
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
                return handle;
        return IntPtr.Zero;
    }
}
