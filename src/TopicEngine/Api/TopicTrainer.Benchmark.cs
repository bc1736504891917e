using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine;

public sealed partial class TopicTrainer
{
    /// <summary>
    /// Times passes of the training loop that a fit runs (the same SVI loop and observers) for one K on
    /// <paramref name="device"/>, on a prepared corpus: λ from the fit's seeded start, α = η = 1/K, ρ_t = (τ0 + t)^(−κ),
    /// scale D/|B|, no held-out documents. Each pass is measured (<see cref="PassTimes"/>): the time in the backend's local
    /// steps and global steps, and the wall time.
    /// <para>Call order: open the device (<see cref="ComputeDevice.Open"/>); optionally check
    /// <see cref="EstimateBenchmarkMemory"/>; call this once per K (the device may be shared by the calls, not run concurrently);
    /// dispose the device. A warm-up (the same loop over the corpus's first <see cref="BenchmarkOptions.WarmupDocuments"/>
    /// documents, repeated for at least <see cref="BenchmarkOptions.WarmupSeconds"/>) runs on the same backend first and λ
    /// is then set back to its start, so JIT and kernel compilation fall outside the timed passes.</para>
    /// </summary>
    /// <param name="preparedDirectory">A folder written by <see cref="TopicCorpus.PrepareAsync"/> (or <c>prepare</c>).</param>
    /// <param name="options">K, passes, batch size and warm-up.</param>
    /// <param name="device">Where to run.</param>
    /// <param name="passDone">Hears of each timed pass as it ends: its number (1-based) and its times.</param>
    /// <param name="batchDone">Hears of each timed mini-batch: documents done so far in the pass.</param>
    /// <param name="cancellationToken">Stops the benchmark between mini-batches.</param>
    /// <returns>The timings.</returns>
    /// <exception cref="TopicEngineException">A setting out of range, a missing or incomplete folder, or an empty corpus.</exception>
    public static BenchmarkResult Benchmark(string preparedDirectory, BenchmarkOptions options, ComputeDevice device,
        Action<int, PassTimes>? passDone = null, Action<long>? batchDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preparedDirectory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        var settings = options.Settings();
        settings.Validate();
        var corpus = PreparedCorpus.Open(preparedDirectory);
        var benchmark = new TrainingBenchmark(corpus, k => device.Choice.CreateBackend(k, settings.Threads));
        var result = benchmark.Run(settings,
            passDone is null ? null : (pass, timing) => passDone(pass, PassTimes.Of(timing)),
            batchDone, cancellationToken);
        return new BenchmarkResult(result);
    }

    /// <summary>
    /// What one K of <see cref="Benchmark"/> allocates on <paramref name="device"/> for V = <paramref name="vocabularySize"/>
    /// and |B| = <paramref name="batchSize"/> (see <see cref="BenchmarkOptions.ResolveBatchSize"/>): the benchmark's own
    /// host buffers, the backend's model (host memory on the CPU backend, device memory on a GPU) and the host's peak.
    /// </summary>
    /// <param name="device">The device the benchmark will run on.</param>
    /// <param name="vocabularySize">V of the corpus.</param>
    /// <param name="batchSize">Documents per mini-batch, resolved.</param>
    /// <param name="options">K, threads and warm-up.</param>
    /// <returns>The bytes, and the GPU's memory and name.</returns>
    public static BenchmarkMemory EstimateBenchmarkMemory(ComputeDevice device, int vocabularySize, int batchSize, BenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.Topics;
        long benchmark = TrainingBenchmark.HostBytes(vocabularySize, batchSize, k);   // λ's start and γ
        if (device.Choice.Accelerator is { } accelerator)
            return new BenchmarkMemory(k, vocabularySize, benchmark, benchmark, device.ModelBytes(vocabularySize, k),
                device.DeviceMemoryBytes, accelerator.Name);
        long host = benchmark + device.ModelBytes(vocabularySize, k, options.Threads);
        return new BenchmarkMemory(k, vocabularySize, host, host, 0, 0, null);   // λ's reset after the warm-up reuses the backend's arrays
    }
}
