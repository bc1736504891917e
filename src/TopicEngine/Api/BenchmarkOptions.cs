using TopicEngine.Inference;

namespace TopicEngine;

/// <summary>
/// What <see cref="TopicTrainer.Benchmark"/> times (<c>topic-engine bench</c>'s flags): one K, timed passes of the SVI
/// loop that a default fit runs, after a warm-up. Immutable; change with <c>with</c> (e.g. one copy per K).
/// </summary>
public sealed record BenchmarkOptions
{
    private static readonly TrainingBenchmarkSettings Defaults = new() { Topics = 1 };

    /// <summary>Number of topics K (<c>--topics</c>, one value of its list).</summary>
    public required int Topics { get; init; }

    /// <summary>Timed passes over the corpus (<c>--passes</c>). Default 1.</summary>
    public int Passes { get; init; } = Defaults.Passes;

    /// <summary>Documents per mini-batch |B| (<c>--batch-size</c>); null (auto) resolves as a fit does, see
    /// <see cref="ResolveBatchSize"/>.</summary>
    public int? BatchSize { get; init; } = Defaults.BatchSize;

    /// <summary>Documents of the corpus's first batches run (local and global steps) before timing, so that .NET's JIT and
    /// the GPU's kernel compilation fall outside the timed passes (<c>--warmup-docs</c>); 0 times them in pass 1.
    /// Default 512.</summary>
    public int WarmupDocuments { get; init; } = Defaults.WarmupDocuments;

    /// <summary>The warm-up also goes on (from the corpus's start again if need be) for at least this many seconds, long
    /// enough for .NET's tiered JIT to optimise the hot loops (<c>--warmup-seconds</c>). Default 2.</summary>
    public double WarmupSeconds { get; init; } = Defaults.WarmupSeconds;

    /// <summary>Seed of λ's initialisation, as in a fit (<c>--seed</c>).</summary>
    public int Seed { get; init; } = Defaults.Seed;

    /// <summary>CPU threads: the CPU backend's workers and λ's initialisation; 0 means all cores (<c>--threads</c>).</summary>
    public int Threads { get; init; }

    /// <summary>The local step's iteration cap and tolerance (<c>--max-iterations</c>, <c>--tolerance</c>).</summary>
    public LocalStepOptions LocalStep { get; init; } = Defaults.LocalStep;

    /// <summary>Learning-rate decay κ of ρ_t = (τ0 + t)^(−κ); the default is a fit's.</summary>
    public double Kappa { get; init; } = Defaults.Kappa;

    /// <summary>Learning-rate delay τ0 of ρ_t = (τ0 + t)^(−κ); the default is a fit's.</summary>
    public double Tau0 { get; init; } = Defaults.Tau0;

    /// <summary>|B| for a corpus of <paramref name="documents"/> documents: <see cref="BatchSize"/>, or for auto what a fit
    /// with no held-out documents takes (D/10 within <see cref="TrainingOptions.MinAutoBatchSize"/> and
    /// <see cref="TrainingOptions.MaxAutoBatchSize"/>).</summary>
    public int ResolveBatchSize(int documents) => Settings().ResolveBatchSize(documents);

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a setting is out of range.</summary>
    public void Validate() => Settings().Validate();

    internal TrainingBenchmarkSettings Settings() => new()
    {
        Topics = Topics, Passes = Passes, BatchSize = BatchSize, WarmupDocuments = WarmupDocuments, WarmupSeconds = WarmupSeconds,
        Seed = Seed, Threads = Threads, LocalStep = LocalStep, Kappa = Kappa, Tau0 = Tau0,
    };
}

/// <summary>The timings of one pass of <see cref="TopicTrainer.Benchmark"/>.</summary>
/// <param name="LocalSeconds">Seconds in the backend's local steps (γ and the statistics s).</param>
/// <param name="GlobalSeconds">Seconds in the global steps (λ ← (1 − ρ) λ + ρ (η + (D/|B|) s), and expElogβ).</param>
/// <param name="WallSeconds">Wall time of the pass: the steps, the observers (the ELBO at the pass's end) and any wait for
/// the reader.</param>
/// <param name="Documents">Documents processed.</param>
/// <param name="Tokens">Tokens processed.</param>
/// <param name="NonZeros">(document, term) pairs processed.</param>
/// <param name="Iterations">Local-step iterations, summed over the documents.</param>
/// <param name="Batches">Mini-batches.</param>
public sealed record PassTimes(double LocalSeconds, double GlobalSeconds, double WallSeconds, long Documents, long Tokens,
    long NonZeros, long Iterations, int Batches)
{
    /// <summary>Local plus global step seconds: the compute time of the pass.</summary>
    public double Seconds => LocalSeconds + GlobalSeconds;

    internal static PassTimes Of(PassTiming t) =>
        new(t.LocalSeconds, t.GlobalSeconds, t.WallSeconds, t.Documents, t.Tokens, t.NonZeros, t.Iterations, t.Batches);
}

/// <summary>What <see cref="TopicTrainer.Benchmark"/> measured for one K: every timed pass, their means and the warm-up.</summary>
public sealed class BenchmarkResult
{
    private readonly TrainingBenchmarkResult _result;

    internal BenchmarkResult(TrainingBenchmarkResult result)
    {
        _result = result;
        Passes = [.. result.Passes.Select(PassTimes.Of)];
    }

    /// <summary>K.</summary>
    public int Topics => _result.Topics;

    /// <summary>Documents per mini-batch |B| (auto resolved).</summary>
    public int BatchSize => _result.BatchSize;

    /// <summary>The backend that ran ("cpu", "cuda", "opencl").</summary>
    public string Backend => _result.Backend;

    /// <summary>One entry per timed pass, in order.</summary>
    public IReadOnlyList<PassTimes> Passes { get; }

    /// <summary>Documents run before timing, repeats included (0: pass 1 includes JIT and kernel compilation).</summary>
    public int WarmupDocuments => _result.WarmupDocuments;

    /// <summary>Wall time of the warm-up, the backend's creation included.</summary>
    public double WarmupSeconds => _result.WarmupSeconds;

    /// <summary>Mean compute seconds (local + global) per pass.</summary>
    public double SecondsPerPass => _result.SecondsPerPass;

    /// <summary>Mean wall seconds per pass.</summary>
    public double WallSecondsPerPass => _result.WallSecondsPerPass;

    /// <summary>Mean local-step seconds per pass.</summary>
    public double LocalSecondsPerPass => _result.LocalSecondsPerPass;

    /// <summary>Mean global-step seconds per pass.</summary>
    public double GlobalSecondsPerPass => _result.GlobalSecondsPerPass;

    /// <summary>Tokens per compute second over all passes.</summary>
    public double TokensPerSecond => _result.TokensPerSecond;

    /// <summary>Non-zeros per compute second over all passes.</summary>
    public double NonZerosPerSecond => _result.NonZerosPerSecond;

    /// <summary>Mean local-step iterations per document.</summary>
    public double IterationsPerDocument => _result.IterationsPerDocument;

    /// <summary>True when no warm-up ran, so the first pass includes .NET JIT and GPU kernel compilation.</summary>
    public bool FirstPassIncludesCompilation => _result.FirstPassIncludesCompilation;
}

/// <summary>What one K of <see cref="TopicTrainer.Benchmark"/> allocates on a device
/// (<see cref="TopicTrainer.EstimateBenchmarkMemory"/>), to check before running it.</summary>
/// <param name="Topics">K.</param>
/// <param name="VocabularySize">V.</param>
/// <param name="HostBytes">Host bytes: λ's start (V×K floats) and γ (|B|×K floats), and on the CPU backend its model
/// (λ, expElogβ and at most V×K floats of statistics shared by all threads).</param>
/// <param name="PeakHostBytes">The host's peak; on the CPU backend the same as <paramref name="HostBytes"/> (λ's reset after a
/// warm-up copies into the backend's λ and reuses its expElogβ).</param>
/// <param name="DeviceBytes">GPU memory for the model (λ, expElogβ floats, 64-bit statistics); 0 on the CPU backend.</param>
/// <param name="DeviceMemoryBytes">The GPU's memory (<see cref="ComputeDevice.DeviceMemoryBytes"/>); 0 on the CPU backend.</param>
/// <param name="AcceleratorName">The GPU's name as the driver reports it; null on the CPU backend.</param>
public sealed record BenchmarkMemory(int Topics, int VocabularySize, long HostBytes, long PeakHostBytes, long DeviceBytes,
    long DeviceMemoryBytes, string? AcceleratorName);
