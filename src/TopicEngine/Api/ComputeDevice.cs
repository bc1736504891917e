using TopicEngine.Backends;

namespace TopicEngine;

/// <summary>One accelerator as ILGPU sees it (<c>topic-engine devices</c>).</summary>
/// <param name="Kind">"cuda", "opencl" or "cpu" (ILGPU's CPU accelerator).</param>
/// <param name="Name">The device's name.</param>
/// <param name="MemoryBytes">Its memory (host memory for the CPU accelerator).</param>
/// <param name="WarpSize">Threads per warp.</param>
/// <param name="MaxGroupSize">Most threads per group.</param>
/// <param name="Multiprocessors">Multiprocessors (streaming multiprocessors on CUDA).</param>
/// <param name="ComputeCapability">CUDA compute capability, else null.</param>
/// <param name="Note">Why the device cannot be used, or null.</param>
public sealed record DeviceInfo(string Kind, string Name, long MemoryBytes, int WarpSize, int MaxGroupSize, int Multiprocessors,
    string? ComputeCapability, string? Note);

/// <summary>How one kernel's output compared with the plain reference backend (<c>devices --check</c>).</summary>
/// <param name="Device">The accelerator, described.</param>
/// <param name="Topics">K of the check.</param>
/// <param name="Kernel">The kernel (or kernels, as the backend launches them).</param>
/// <param name="MaxAbsoluteDifference">Largest |gpu − reference|.</param>
/// <param name="MaxRelativeDifference">Largest relative difference (see <see cref="ComputeDevice.KernelTolerance"/>).</param>
/// <param name="Passed">Within the tolerance and finite.</param>
public sealed record KernelCheck(string Device, int Topics, string Kernel, double MaxAbsoluteDifference, double MaxRelativeDifference, bool Passed);

/// <summary>
/// The device a fit, update, inference or benchmark runs on (<c>--device</c>): <c>auto</c> takes the first CUDA device,
/// then the first OpenCL device, else the CPU backend, and says which and why in <see cref="Description"/>. Creating the
/// GPU accelerator and loading every kernel is the first thing opening a GPU does, so a driver problem shows before any
/// data is read. Open it once, hand it to the calls that train or infer, and dispose it after them.
/// </summary>
public sealed class ComputeDevice : IDisposable
{
    private ComputeDevice(DeviceChoice choice) => Choice = choice;

    internal DeviceChoice Choice { get; }

    /// <summary>The names <see cref="Open"/> takes: auto, cuda, opencl, cpu, and ilgpu-cpu (the GPU kernels on ILGPU's CPU simulator, slow: to run a
    /// GPU script end to end without a GPU).</summary>
    public static IReadOnlyList<string> Names { get; } = DeviceSelector.Names;

    /// <summary>The relative difference a kernel may show in <see cref="CheckKernels(KernelCheckOptions, Action{KernelLaunch}?, Action{string, string}?)"/>
    /// and still pass.</summary>
    public const double KernelTolerance = GpuKernelCheck.Tolerance;

    /// <summary>Opens the device named <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    /// <exception cref="TopicEngineException">An unknown name, or an explicit cuda/opencl device that is missing or fails to start.</exception>
    public static ComputeDevice Open(string name = "auto") => new(DeviceSelector.Select(DeviceSelector.Parse(name)));

    /// <summary>"cuda", "opencl", "cpu" or "ilgpu-cpu".</summary>
    public string Kind => Choice.Kind;

    /// <summary>What was chosen and why, one line (e.g. "cpu: no CUDA or OpenCL device found").</summary>
    public string Description => Choice.Description;

    /// <summary>Why <c>auto</c> did not take a GPU it found; null when nothing went wrong.</summary>
    public string? Warning => Choice.Warning;

    /// <summary>Every accelerator ILGPU sees.</summary>
    public static IReadOnlyList<DeviceInfo> List() =>
        [.. DeviceSelector.Describe().Select(d => new DeviceInfo(d.Kind, d.Name, d.MemoryBytes, d.WarpSize, d.MaxGroupSize, d.Multiprocessors, d.ComputeCapability, d.Note))];

    /// <summary>
    /// Runs every kernel on every GPU <c>auto</c> could use and on ILGPU's CPU simulator against the reference backend
    /// (GPUs: K ∈ {1, 3, 17, 33, 100, 257}, V = 400, 64 documents; the simulator: K ∈ {1, 3, 17, 33}, V = 23, 6 documents).
    /// <paramref name="skipped"/> hears of every GPU kind that could not be opened, with the reason.
    /// </summary>
    public static IEnumerable<KernelCheck> CheckKernels(Action<string, string>? skipped = null) =>
        CheckKernels(new KernelCheckOptions(), launch: null, skipped);

    /// <summary>
    /// Runs every kernel as <paramref name="options"/> asks against the reference backend: γ, the bound of each document and
    /// of the batch, the statistics, the model sums and the global step; with <see cref="KernelCheckOptions.ChunkDocuments"/>,
    /// also the chunked pipeline against one chunk, bit for bit. <paramref name="launch"/> hears, for each device and K, how
    /// each kernel is launched (group size, shared memory, estimated occupancy).
    /// </summary>
    /// <exception cref="TopicEngineException">An option is out of range (<see cref="KernelCheckOptions.Validate"/>).</exception>
    public static IEnumerable<KernelCheck> CheckKernels(KernelCheckOptions options, Action<KernelLaunch>? launch = null,
        Action<string, string>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Check(options, launch, skipped);
    }

    private static IEnumerable<KernelCheck> Check(KernelCheckOptions options, Action<KernelLaunch>? launch, Action<string, string>? skipped)
    {
        if (options.Gpus)
            foreach (var kind in (DeviceKind[])[DeviceKind.Cuda, DeviceKind.OpenCL])
            {
                DeviceChoice choice;
                try
                {
                    choice = DeviceSelector.Select(kind);
                }
                catch (TopicEngineException e)
                {
                    skipped?.Invoke(kind.ToString().ToLowerInvariant(), e.Message);
                    continue;
                }
                using (choice)
                    foreach (var check in CheckOn(choice.Accelerator!, choice.Description, options, [1, 3, 17, 33, 100, 257], 400, 64, launch))
                        yield return check;
            }
        if (!options.Simulator) yield break;
        var (context, simulator) = DeviceSelector.CreateSimulator();
        using (context)
        using (simulator)
            foreach (var check in CheckOn(simulator, "ilgpu-cpu: ILGPU CPU simulator", options, [1, 3, 17, 33], 23, 6, launch))
                yield return check;
    }

    private static IEnumerable<KernelCheck> CheckOn(ILGPU.Runtime.Accelerator accelerator, string description, KernelCheckOptions options,
        int[] defaultTopics, int defaultVocabulary, int defaultDocuments, Action<KernelLaunch>? launch)
    {
        int vocabulary = options.Vocabulary ?? defaultVocabulary;
        int documents = options.Documents ?? defaultDocuments;
        string device = $"{description}: V={vocabulary}, {documents} documents" + (options.ChunkDocuments is { } c ? $", chunks of {c}" : "");
        foreach (int k in options.Topics ?? defaultTopics)
        {
            if (launch is not null)
            {
                using var backend = new GpuBackend(accelerator, k);
                foreach (var shape in backend.DescribeLaunches())
                    launch(new KernelLaunch(device, k, shape.Kernel, shape.GroupSize, shape.SharedMemoryBytes, shape.ActiveGroupsPerMultiprocessor, shape.Occupancy));
            }
            foreach (var r in GpuKernelCheck.Run(accelerator, k, vocabulary, documents, seed: k, options.DocumentTerms, options.ChunkDocuments ?? 0))
                yield return new KernelCheck(device, k, r.Kernel, r.MaxAbsoluteDifference, r.MaxRelativeDifference, r.Passed);
        }
    }

    /// <summary>Bytes one fit holds for V = <paramref name="vocabularySize"/>, K = <paramref name="topics"/> on this device:
    /// on a GPU, device memory (λ, expElogβ, statistics); on the CPU, host memory (λ, expElogβ and at most V×K floats of
    /// statistics shared by all workers, so <paramref name="threads"/> no longer changes it; kept for callers).</summary>
    public long ModelBytes(int vocabularySize, int topics, int threads = 0) => Kind == "cpu"
        ? CpuBackend.ModelBytes(vocabularySize, topics)
        : GpuBackend.ModelBytes(vocabularySize, topics);

    /// <summary>Device memory free for a model (0 on the CPU backend).</summary>
    public long DeviceMemoryBytes => Choice.Accelerator?.MemorySize ?? 0;

    /// <summary>Releases the accelerator and its context.</summary>
    public void Dispose() => Choice.Dispose();
}
