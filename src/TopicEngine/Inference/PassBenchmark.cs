using System.Collections.Concurrent;
using System.Diagnostics;
using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>What <see cref="PassBenchmark"/> times: one K, the SVI settings of a default fit.</summary>
internal sealed record PassBenchmarkSettings
{
    private static readonly TrainingOptions Defaults = new();

    /// <summary>K.</summary>
    public required int Topics { get; init; }

    /// <summary>Timed passes over the corpus.</summary>
    public int Passes { get; init; } = 1;

    /// <summary>Documents per mini-batch |B|; null (auto) resolves as <c>fit</c> does (<see cref="TrainingOptions.ResolveBatchSize"/>).</summary>
    public int? BatchSize { get; init; } = Defaults.BatchSize;

    /// <summary>|B| for a corpus of <paramref name="documents"/> documents (none held out).</summary>
    public int ResolveBatchSize(int documents) => (Defaults with { BatchSize = BatchSize }).ResolveBatchSize(documents);

    /// <summary>Documents of the corpus's first batches run (local and global step) before timing, so that
    /// .NET's JIT and the GPU's kernel compilation fall outside the timed passes; 0 times them in pass 1.</summary>
    public int WarmupDocuments { get; init; } = 512;

    /// <summary>The warm-up also goes on (from the corpus's start again if need be) until this many seconds have passed,
    /// long enough for .NET's tiered JIT to have replaced the first, unoptimised code of the hot loops.</summary>
    public double WarmupSeconds { get; init; } = 2;

    /// <summary>Seed of λ's initialisation (as in a fit).</summary>
    public int Seed { get; init; } = Defaults.Seed;

    /// <summary>Threads for λ's initialisation (0 = all cores); the backend has its own.</summary>
    public int Threads { get; init; }

    /// <summary>Local-step iteration cap and tolerance.</summary>
    public LocalStepOptions LocalStep { get; init; } = new(Defaults.MaxIterations, Defaults.Tolerance);

    /// <summary>κ and τ0 of ρ_t = (τ0 + t)^(−κ).</summary>
    public double Kappa { get; init; } = Defaults.Kappa;

    /// <inheritdoc cref="Kappa"/>
    public double Tau0 { get; init; } = Defaults.Tau0;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a setting is out of range.</summary>
    public void Validate()
    {
        if (Topics <= 0) throw new TopicEngineException($"--topics must be positive, not {Topics}");
        if (Passes <= 0) throw new TopicEngineException($"--passes must be at least 1, not {Passes}");
        if (BatchSize is <= 0) throw new TopicEngineException($"--batch-size must be at least 1, not {BatchSize}");
        if (WarmupDocuments < 0) throw new TopicEngineException($"--warmup-docs must be 0 or more, not {WarmupDocuments}");
        if (!(WarmupSeconds >= 0) || WarmupSeconds > 3600) throw new TopicEngineException($"--warmup-seconds must be between 0 and 3600, not {WarmupSeconds}");
        if (Threads < 0) throw new TopicEngineException($"--threads must be 0 (all cores) or positive, not {Threads}");
        if (LocalStep.MaxIterations <= 0) throw new TopicEngineException($"--max-iterations must be at least 1, not {LocalStep.MaxIterations}");
        if (!(LocalStep.Tolerance >= 0) || float.IsInfinity(LocalStep.Tolerance)) throw new TopicEngineException($"--tolerance must be a non-negative number, not {LocalStep.Tolerance}");
    }
}

/// <summary>One timed pass: seconds inside the backend's local and global steps, and the pass's wall time.</summary>
/// <param name="LocalSeconds">Time in <see cref="ILdaBackend.LocalStep"/> (E-step and statistics) over the pass.</param>
/// <param name="GlobalSeconds">Time in <see cref="ILdaBackend.GlobalStep"/> over the pass.</param>
/// <param name="WallSeconds">The whole pass, including waits for batches that were not read yet.</param>
/// <param name="Documents">Documents processed.</param>
/// <param name="Tokens">Tokens (sum of counts) processed.</param>
/// <param name="NonZeros">(document, term) pairs processed.</param>
/// <param name="Iterations">Local-step iterations, all documents together.</param>
/// <param name="Batches">Mini-batches (= global steps).</param>
internal sealed record PassTiming(double LocalSeconds, double GlobalSeconds, double WallSeconds, long Documents, long Tokens,
    long NonZeros, long Iterations, int Batches)
{
    /// <summary>Local plus global step seconds: the compute time of the pass.</summary>
    public double Seconds => LocalSeconds + GlobalSeconds;
}

/// <summary>The timings of every pass for one K, and what the warm-up took.</summary>
/// <param name="Topics">K.</param>
/// <param name="BatchSize">Documents per mini-batch |B| (auto resolved).</param>
/// <param name="Backend">The backend's name ("cpu", "cuda", …).</param>
/// <param name="Passes">One entry per timed pass.</param>
/// <param name="WarmupDocuments">Documents run before timing, repeats included (0: pass 1 includes JIT and kernel compilation).</param>
/// <param name="WarmupSeconds">Wall time of the warm-up, backend creation included.</param>
internal sealed record PassBenchmarkResult(int Topics, int BatchSize, string Backend, IReadOnlyList<PassTiming> Passes, int WarmupDocuments, double WarmupSeconds)
{
    /// <summary>Mean compute seconds (local + global) per pass.</summary>
    public double SecondsPerPass => Passes.Average(p => p.Seconds);

    /// <summary>Mean wall seconds per pass.</summary>
    public double WallSecondsPerPass => Passes.Average(p => p.WallSeconds);

    /// <summary>Mean local-step seconds per pass.</summary>
    public double LocalSecondsPerPass => Passes.Average(p => p.LocalSeconds);

    /// <summary>Mean global-step seconds per pass.</summary>
    public double GlobalSecondsPerPass => Passes.Average(p => p.GlobalSeconds);

    /// <summary>Tokens per compute second over all passes.</summary>
    public double TokensPerSecond => Passes.Sum(p => (double)p.Tokens) / Passes.Sum(p => p.Seconds);

    /// <summary>Non-zeros per compute second over all passes.</summary>
    public double NonZerosPerSecond => Passes.Sum(p => (double)p.NonZeros) / Passes.Sum(p => p.Seconds);

    /// <summary>Mean local-step iterations per document.</summary>
    public double IterationsPerDocument => Passes.Sum(p => (double)p.Iterations) / Math.Max(1, Passes.Sum(p => p.Documents));

    /// <summary>True when no warm-up ran, so the first pass includes .NET JIT and GPU kernel compilation.</summary>
    public bool FirstPassIncludesCompilation => WarmupDocuments == 0;
}

/// <summary>
/// Times training passes of online SVI on one backend, as <see cref="SviTrainer"/> runs them (λ from the
/// same seeded start, α = η = 1/K, ρ_t = (τ0 + t)^(−κ), scale D/|B|, no held-out documents), but measuring
/// only what the backend does: per mini-batch, the local step (γ and the statistics s) and the global
/// step (λ ← (1 − ρ) λ + ρ (η + (D/|B|) s) and expElogβ). Reading and decoding batches runs ahead on
/// another thread (at most <see cref="PrefetchBatches"/> batches), so the wall time shows whether the
/// reader keeps up. No bound, no held-out evaluation, no model output.
/// <para>Call order: construct, <see cref="Run"/> once per K. A warm-up over the corpus's first
/// <see cref="PassBenchmarkSettings.WarmupDocuments"/> documents (for at least
/// <see cref="PassBenchmarkSettings.WarmupSeconds"/>) runs on the same backend first, then λ is reset,
/// so compilation (JIT tiers, PTX) is outside the timed passes.</para>
/// </summary>
internal sealed class PassBenchmark(IBatchSource corpus, Func<int, ILdaBackend> backendFactory)
{
    /// <summary>Batches read ahead of the one being computed.</summary>
    public const int PrefetchBatches = 4;

    /// <summary>Host bytes the benchmark itself holds besides the backend for V = <paramref name="vocabularySize"/>
    /// and |B| = <paramref name="batchSize"/>: λ's start (V×K floats) and γ (|B|×K floats).</summary>
    public static long HostBytes(int vocabularySize, int batchSize, int topics) =>
        ((long)vocabularySize * topics + (long)batchSize * topics) * sizeof(float);

    /// <summary>Runs the warm-up and the timed passes for <paramref name="settings"/>; <paramref name="passDone"/>
    /// hears of each pass as it ends, <paramref name="batchDone"/> of each timed batch (documents done in the pass).</summary>
    public PassBenchmarkResult Run(PassBenchmarkSettings settings, Action<int, PassTiming>? passDone = null,
        Action<long>? batchDone = null, CancellationToken cancellationToken = default)
    {
        settings.Validate();
        int k = settings.Topics, v = corpus.VocabularySize;
        if (corpus.DocumentCount == 0 || corpus.TokenCount == 0)
            throw new TopicEngineException("the corpus to benchmark is empty: check --corpus, --input or --docs");

        var warmupClock = Stopwatch.StartNew();
        var startLambda = TrainingData.InitialLambda(v, k, settings.Seed, settings.Threads == 0 ? Environment.ProcessorCount : settings.Threads);
        using var backend = backendFactory(k);
        var alpha = DirichletPriors.InitialAlpha(PriorSetting.Symmetric, k);
        float eta = DirichletPriors.InitialEta(PriorSetting.Symmetric, k);
        int batchSize = settings.ResolveBatchSize(corpus.DocumentCount);
        var gamma = new float[(long)batchSize * k];
        backend.SetLambda(startLambda, v);

        int warmedUp = 0;
        if (settings.WarmupDocuments > 0)
        {
            long step = 0;
            bool Done() => warmedUp >= settings.WarmupDocuments && warmupClock.Elapsed.TotalSeconds >= settings.WarmupSeconds;
            while (!Done())
            {
                foreach (var batch in corpus.ReadBatches(batchSize))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Step(backend, batch, settings, alpha, eta, gamma, step++);
                    warmedUp += batch.DocumentCount;
                    if (Done()) break;
                }
            }
            backend.SetLambda(startLambda, v);   // timed passes start from λ's seeded start, as a fit does
        }
        startLambda = null;   // V×K floats the passes do not need
        GC.Collect();         // nor the warm-up's garbage (a replaced λ on the CPU backend): neither stays to be collected mid-pass
        double warmupSeconds = warmupClock.Elapsed.TotalSeconds;

        var passes = new List<PassTiming>();
        long t = 0;
        for (int pass = 1; pass <= settings.Passes; pass++)
        {
            var timing = TimePass(backend, settings, batchSize, alpha, eta, gamma, ref t, batchDone, cancellationToken);
            passes.Add(timing);
            passDone?.Invoke(pass, timing);
        }
        return new PassBenchmarkResult(k, batchSize, backend.Name, passes, warmedUp, warmupSeconds);
    }

    private PassTiming TimePass(ILdaBackend backend, PassBenchmarkSettings settings, int batchSize, float[] alpha, float eta, float[] gamma,
        ref long t, Action<long>? batchDone, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<SparseBatch>(PrefetchBatches);
        var reader = Task.Run(() =>
        {
            try
            {
                foreach (var batch in corpus.ReadBatches(batchSize)) queue.Add(batch, stop.Token);
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, stop.Token);

        var wall = Stopwatch.StartNew();
        var clock = new Stopwatch();
        double local = 0, global = 0;
        long documents = 0, tokens = 0, nonZeros = 0, iterations = 0;
        int batches = 0;
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(stop.Token))
            {
                clock.Restart();
                var result = backend.LocalStep(batch, alpha, settings.LocalStep, gamma, accumulateStatistics: true, computeBound: false);
                local += clock.Elapsed.TotalSeconds;
                clock.Restart();
                backend.GlobalStep(Rho(settings, t++), eta, (float)((double)corpus.DocumentCount / batch.DocumentCount));
                global += clock.Elapsed.TotalSeconds;
                documents += batch.DocumentCount;
                tokens += batch.TokenCount;
                nonZeros += batch.NonZeroCount;
                iterations += result.Iterations;
                batches++;
                batchDone?.Invoke(documents);
            }
        }
        catch
        {
            stop.Cancel();
            try { reader.Wait(CancellationToken.None); } catch (AggregateException) { }
            throw;
        }
        reader.GetAwaiter().GetResult();   // a reader's error (damaged corpus.bin) surfaces here
        return new PassTiming(local, global, wall.Elapsed.TotalSeconds, documents, tokens, nonZeros, iterations, batches);
    }

    private void Step(ILdaBackend backend, SparseBatch batch, PassBenchmarkSettings settings, float[] alpha, float eta, float[] gamma, long t)
    {
        backend.LocalStep(batch, alpha, settings.LocalStep, gamma, accumulateStatistics: true, computeBound: false);
        backend.GlobalStep(Rho(settings, t), eta, (float)((double)corpus.DocumentCount / batch.DocumentCount));
    }

    /// <summary>ρ_t = (τ0 + t)^(−κ).</summary>
    private static float Rho(PassBenchmarkSettings settings, long t) => (float)Math.Pow(settings.Tau0 + t, -settings.Kappa);
}
