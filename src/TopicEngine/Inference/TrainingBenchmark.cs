using System.Diagnostics;
using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>What <see cref="TrainingBenchmark"/> times: one K, the SVI settings of a default fit.</summary>
internal sealed record TrainingBenchmarkSettings
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
    public LocalStepOptions LocalStep { get; init; } = Defaults.LocalStep;

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

/// <summary>The timings of every pass for one K, and what the warm-up took.</summary>
/// <param name="Topics">K.</param>
/// <param name="BatchSize">Documents per mini-batch |B| (auto resolved).</param>
/// <param name="Backend">The backend's name ("cpu", "cuda", …).</param>
/// <param name="Passes">One entry per timed pass.</param>
/// <param name="WarmupDocuments">Documents run before timing, repeats included (0: pass 1 includes JIT and kernel compilation).</param>
/// <param name="WarmupSeconds">Wall time of the warm-up, backend creation included.</param>
internal sealed record TrainingBenchmarkResult(int Topics, int BatchSize, string Backend, IReadOnlyList<PassTiming> Passes, int WarmupDocuments, double WarmupSeconds)
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
/// Times passes of the training loop that <c>fit</c> runs (<see cref="SviTrainer"/>, with its observers) on one backend:
/// λ from the same seeded start, α = η = 1/K, ρ_t = (τ0 + t)^(−κ), scale D/|B|, no held-out documents. The loop measures
/// each pass (<see cref="PassTiming"/>): the time in the backend's local steps (γ and the statistics s) and global steps
/// (λ ← (1 − ρ) λ + ρ (η + (D/|B|) s) and expElogβ), and the wall time, which includes the observers (the ELBO logged at
/// each pass's last step) and any wait for the reader (batches are decoded ahead on another thread).
/// <para>Call order: construct, <see cref="Run"/> once per K. A warm-up (the same loop over the corpus's first
/// <see cref="TrainingBenchmarkSettings.WarmupDocuments"/> documents, repeated for at least
/// <see cref="TrainingBenchmarkSettings.WarmupSeconds"/>) runs on the same backend first; the timed fit then sets λ back to
/// its seeded start, so compilation (JIT tiers, PTX) is outside the timed passes.</para>
/// </summary>
internal sealed class TrainingBenchmark(IBatchSource corpus, Func<int, ILdaBackend> backendFactory)
{
    /// <summary>Host bytes the benchmark itself holds besides the backend for V = <paramref name="vocabularySize"/>
    /// and |B| = <paramref name="batchSize"/>: λ's start (V×K floats) and γ (|B|×K floats).</summary>
    public static long HostBytes(int vocabularySize, int batchSize, int topics) =>
        ((long)vocabularySize * topics + (long)batchSize * topics) * sizeof(float);

    /// <summary>Runs the warm-up and the timed passes for <paramref name="settings"/>; <paramref name="passDone"/>
    /// hears of each pass as it ends, <paramref name="batchDone"/> of each timed batch (documents done in the pass).</summary>
    public TrainingBenchmarkResult Run(TrainingBenchmarkSettings settings, Action<int, PassTiming>? passDone = null,
        Action<long>? batchDone = null, CancellationToken cancellationToken = default)
    {
        settings.Validate();
        int k = settings.Topics;
        if (corpus.DocumentCount == 0 || corpus.TokenCount == 0)
            throw new TopicEngineException("the corpus to benchmark is empty: check --corpus, --input or --docs");
        int batchSize = settings.ResolveBatchSize(corpus.DocumentCount);
        var options = new TrainingOptions
        {
            Topics = k, Passes = settings.Passes, BatchSize = batchSize, Kappa = settings.Kappa, Tau0 = settings.Tau0,
            LocalStep = settings.LocalStep,
            HoldoutFraction = 0, Seed = settings.Seed, Threads = settings.Threads, EvalEvery = 0,
        };

        var warmupClock = Stopwatch.StartNew();
        using var backend = backendFactory(k);
        int warmedUp = 0;
        if (settings.WarmupDocuments > 0)
        {
            // whole batches, as the timed passes run them
            var first = new FirstDocuments(corpus, (int)Math.Min(corpus.DocumentCount, ((long)settings.WarmupDocuments + batchSize - 1) / batchSize * batchSize));
            var warmup = new SviTrainer(options with { Passes = 1 });
            while (warmedUp < settings.WarmupDocuments || warmupClock.Elapsed.TotalSeconds < settings.WarmupSeconds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                warmup.Fit(backend, first, cancellationToken: cancellationToken);
                warmedUp += first.DocumentCount;
            }
            GC.Collect();   // the warm-up's garbage does not stay to be collected mid-pass
        }
        double warmupSeconds = warmupClock.Elapsed.TotalSeconds;

        var timer = new PassTimer(passDone, batchDone);
        new SviTrainer(options).Fit(backend, corpus, new TrainingHooks { Observers = [timer] }, cancellationToken);
        return new TrainingBenchmarkResult(k, batchSize, backend.Name, timer.Passes, warmedUp, warmupSeconds);
    }

    /// <summary>Collects the loop's per-pass timings and reports progress.</summary>
    private sealed class PassTimer(Action<int, PassTiming>? passDone, Action<long>? batchDone) : ITrainingObserver
    {
        private long _documentsInPass;

        public List<PassTiming> Passes { get; } = [];

        public void AfterStep(TrainingRun run, in GlobalStepInfo step)
        {
            _documentsInPass += step.Documents;
            batchDone?.Invoke(_documentsInPass);
        }

        public void AfterPass(TrainingRun run)
        {
            _documentsInPass = 0;
            Passes.Add(run.LastPass!);
            passDone?.Invoke(run.CompletedPasses, run.LastPass!);
        }
    }

    /// <summary>The first <c>count</c> documents of a corpus, as a corpus (the warm-up's).</summary>
    private sealed class FirstDocuments : IBatchSource
    {
        private readonly IBatchSource _corpus;

        public FirstDocuments(IBatchSource corpus, int count)
        {
            _corpus = corpus;
            DocumentCount = Math.Min(count, corpus.DocumentCount);
            foreach (var batch in ReadBatches(1024)) TokenCount += (long)batch.TokenCount;
        }

        public int DocumentCount { get; }
        public long TokenCount { get; }
        public int VocabularySize => _corpus.VocabularySize;

        public IEnumerable<SparseBatch> ReadBatches(int batchSize)
        {
            int left = DocumentCount;
            foreach (var batch in _corpus.ReadBatches(batchSize))
            {
                if (left <= 0) yield break;
                if (batch.DocumentCount <= left) { left -= batch.DocumentCount; yield return batch; continue; }
                int end = batch.DocumentOffsets[left];
                yield return new SparseBatch(batch.Keys[..left], batch.DocumentOffsets[..(left + 1)], batch.TermIds[..end], batch.Counts[..end]);
                yield break;
            }
        }
    }
}
