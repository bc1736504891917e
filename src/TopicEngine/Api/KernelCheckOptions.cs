namespace TopicEngine;

/// <summary>What <see cref="ComputeDevice.CheckKernels(KernelCheckOptions, Action{KernelLaunch}?, Action{string, string}?)"/>
/// runs (<c>devices --check</c>). Unset sizes take the defaults of each accelerator kind: GPUs K ∈ {1, 3, 17, 33, 100, 257},
/// V = 400, 64 documents; ILGPU's CPU simulator K ∈ {1, 3, 17, 33}, V = 23, 6 documents.</summary>
/// <param name="Topics">The K values to check (each at most <see cref="MaxTopics"/>), or null for the defaults.</param>
/// <param name="Documents">Documents of the generated batch (at least 2: document 0 is empty, document 1 has one token), or null.</param>
/// <param name="DocumentTerms">Most distinct terms of a generated document (at least 2).</param>
/// <param name="ChunkDocuments">When set (2 … documents − 1), the batch also runs through the two-slot pipeline in chunks of this many
/// documents, and its γ and statistics must equal one chunk's bit for bit.</param>
/// <param name="Vocabulary">V of the generated model, or null for the defaults.</param>
/// <param name="Gpus">Check every CUDA and OpenCL device <c>--device auto</c> could use.</param>
/// <param name="Simulator">Check ILGPU's CPU simulator.</param>
public sealed record KernelCheckOptions(IReadOnlyList<int>? Topics = null, int? Documents = null, int DocumentTerms = 12,
    int? ChunkDocuments = null, int? Vocabulary = null, bool Gpus = true, bool Simulator = true)
{
    /// <summary>Largest K a check takes.</summary>
    public const int MaxTopics = 10_000;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="TopicEngineException">A value the check cannot run with.</exception>
    public void Validate()
    {
        if (Topics is { Count: 0 } || Topics?.Any(k => k is < 1 or > MaxTopics) == true)
            throw new TopicEngineException($"--topics takes K values from 1 to {MaxTopics}");
        if (Documents is < 2) throw new TopicEngineException("--docs must be at least 2 (an empty and a one-token document come first)");
        if (DocumentTerms < 2) throw new TopicEngineException("--doc-terms must be at least 2");
        if (ChunkDocuments is < 1) throw new TopicEngineException("--chunk must be at least 1 document");
        if (Vocabulary is < 2) throw new TopicEngineException("the vocabulary of the check must have at least 2 terms");
    }
}

/// <summary>How one kernel is launched in a <c>devices --check</c> run.</summary>
/// <param name="Device">The accelerator, described as in <see cref="KernelCheck.Device"/>.</param>
/// <param name="Topics">K.</param>
/// <param name="Kernel">The kernel.</param>
/// <param name="GroupSize">Threads per group.</param>
/// <param name="SharedMemoryBytes">Dynamic shared memory per group.</param>
/// <param name="ActiveGroupsPerMultiprocessor">Groups resident on one multiprocessor at once, as the device estimates it (on CUDA
/// the driver's occupancy calculator, registers included); −1 when it cannot say.</param>
/// <param name="Occupancy">Resident threads over the multiprocessor's maximum, 0 … 1; NaN when unknown.</param>
public sealed record KernelLaunch(string Device, int Topics, string Kernel, int GroupSize, long SharedMemoryBytes,
    int ActiveGroupsPerMultiprocessor, double Occupancy);
