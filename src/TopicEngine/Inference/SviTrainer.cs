using System.Diagnostics;
using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>What a fit plugs into the training loop besides its options.</summary>
internal sealed record TrainingHooks
{
    /// <summary>Receives a report after every global step and every pass.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Receives a state every <see cref="TrainingOptions.CheckpointEvery"/> steps and at the end of every pass.</summary>
    public Action<TrainerState>? Checkpoint { get; init; }

    /// <summary>Scores the held-out documents at the end of every pass (from a layer above: the evaluation), appending
    /// to <see cref="TrainingRun.HeldOutLog"/>; <c>--passes auto</c> stops on its rows. Null: no held-out score.</summary>
    public ITrainingObserver? HeldOutEvaluation { get; init; }

    /// <summary>More observers, called after the standard ones (e.g. <c>bench</c>'s timer).</summary>
    public IReadOnlyList<ITrainingObserver> Observers { get; init; } = [];

    /// <summary>A checkpoint of this same fit to continue (λ then matches the uninterrupted fit bit for bit).</summary>
    public TrainerState? ResumeFrom { get; init; }

    /// <summary>D of the D/|B| scale; null takes the corpus's training documents (<c>update</c> passes the model's
    /// documents plus the new ones).</summary>
    public long? CorpusDocuments { get; init; }

    /// <summary>Where <see cref="TrainingOptions.WarmStart"/> keeps γ of the previous pass (<see cref="WarmStartGamma"/>);
    /// null: a temporary folder, removed when the fit ends. A resumable fit passes a folder that outlives the process.</summary>
    public string? WarmStartFolder { get; init; }

    /// <summary>Waits for the checkpoints handed out so far to be written; called before a pass overwrites the γ file of
    /// the pass before the previous one (<see cref="WarmStartGamma"/>). Null: nothing to wait for.</summary>
    public Action? SettleCheckpoints { get; init; }
}

/// <summary>
/// Fits LDA by stochastic variational inference (Hoffman, Blei &amp; Bach 2010; Hoffman et al. 2013) or batch
/// variational Bayes on whatever <see cref="ILdaBackend"/> it is given; it never knows which device runs.
/// It keeps only the schedule; everything else is an <see cref="ITrainingObserver"/>.
/// <para>Online, per mini-batch B of the D training documents (held-out documents excluded):
/// local step (γ, s) → λ ← (1 − ρ_t) λ + ρ_t (η + (D/|B|) s), ρ_t = (τ0 + t)^(−κ) → t ← t + 1; the mini-batches of a
/// pass come in a seeded random order, a new one each pass (<see cref="TrainingOptions.Order"/>).
/// Batch: the statistics of every batch of a pass add up, then one global step with ρ = 1 and scale 1.</para>
/// <para>Observers, in this order: the ELBO log (<see cref="ElboLog"/>), the α/η Newton steps (<see cref="PriorSteps"/>),
/// the held-out evaluation (<see cref="TrainingHooks.HeldOutEvaluation"/>), <c>--passes auto</c> (<see cref="AutoPasses"/>),
/// progress (<see cref="ProgressReport"/>), checkpoints (<see cref="CheckpointSchedule"/>), then the caller's.</para>
/// <para>Call order: construct, <see cref="Fit"/> with a backend (λ is set from the seed or the checkpoint); the backend
/// then holds the fitted λ, so the final θ pass can run on it without another upload.</para>
/// </summary>
internal sealed class SviTrainer
{
    /// <param name="options">The fit's settings; validated here.</param>
    public SviTrainer(TrainingOptions options)
    {
        options.Validate();
        Options = options;
    }

    /// <summary>The validated settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The local-step settings of the fit.</summary>
    public LocalStepOptions LocalOptions => Options.LocalStep;

    /// <summary>From this size of λ's seeded start on, <see cref="Fit"/> collects it as soon as the backend holds λ.</summary>
    internal const long LargeStartBytes = 64L << 20;

    /// <summary>
    /// Trains on <paramref name="corpus"/> with <paramref name="backend"/> (K topics). λ is copied off the backend once,
    /// at the end, for the result (and for every checkpoint).
    /// </summary>
    public TrainingResult Fit(ILdaBackend backend, IBatchSource corpus, TrainingHooks? hooks = null, CancellationToken cancellationToken = default)
    {
        hooks ??= new TrainingHooks();
        var o = Options;
        var resumeFrom = hooks.ResumeFrom;
        int k = o.Topics, v = corpus.VocabularySize, documents = corpus.DocumentCount;
        if (backend.Topics != k) throw new ArgumentException($"The backend has K={backend.Topics}, the options K={k}.", nameof(backend));
        if (documents == 0) throw new TopicEngineException("the corpus has no documents: check --input (or --corpus).");
        if (v == 0) throw new TopicEngineException("the vocabulary is empty: every term was pruned; lower --min-df or raise --max-df.");
        if (corpus.TokenCount == 0) throw new TopicEngineException("every document of the corpus is empty after analysis: check --input and the analyzer settings.");
        if (resumeFrom is not null && (resumeFrom.Topics != k || resumeFrom.VocabularySize != v || resumeFrom.Lambda.Length != (long)v * k))
            throw new TopicEngineException($"the checkpoint has K={resumeFrom.Topics}, V={resumeFrom.VocabularySize} but this fit has K={k}, V={v}: resume with the same corpus and --topics.");

        var heldOutMask = TrainingData.ChooseHeldOut(documents, o.HoldoutFraction, o.MaxHoldoutDocuments, o.Seed);
        int heldOutCount = heldOutMask.Count(h => h);
        int trainingDocuments = documents - heldOutCount;
        int batchSize = o.ResolveBatchSize(trainingDocuments);
        var heldOut = new InMemoryCorpus(v);
        var run = new TrainingRun(o, backend, corpus, resumeFrom, trainingDocuments, heldOutCount, batchSize,
            hooks.CorpusDocuments ?? trainingDocuments, heldOut);
        var observers = Observers(hooks);

        int threads = o.Threads == 0 ? Environment.ProcessorCount : o.Threads;
        int passLimit = o.Passes ?? o.MaxAutoPasses;
        bool startReadsCorpus = resumeFrom is null && o.Start == LambdaStart.Corpus;
        // kept for the passes after the one that reads them; a fit of one pass has none, unless the corpus start read first
        var passBatches = new TrainingBatchCache(passLimit - run.CompletedPasses > 1 || startReadsCorpus ? TrainingOptions.ShuffleWindowNonZeros : 0);
        bool heldOutCollected = false;
        if (startReadsCorpus)
        {
            // the start's read is the first pass's: it collects the held-out documents and fills the cache
            var counts = CorpusStart.TermCounts(passBatches.Batches(() => TrainingData.TrainingBatches(corpus, heldOutMask, batchSize, heldOut)), v);
            heldOutCollected = true;
            backend.SetLambda(CorpusStart.Lambda(counts, k, o.Seed, threads), v);
        }
        else backend.SetLambda(resumeFrom?.Lambda ?? TrainingData.InitialLambda(v, k, o.Seed, threads), v);
        // The seeded start (V×K floats) is garbage once the backend holds λ. Left to the GC it stays on the large-object
        // heap beside the V×K buffers allocated later (statistics, the final snapshot), and the peak grows by a V×K
        // (bench, K = 1000, V = 100,000: 2.23 GB uncapped, while the run completes under a 1.5 GB heap cap). Collecting
        // now, while the heap holds little else, lets those buffers reuse its space.
        if (resumeFrom is null && (long)v * k * sizeof(float) >= LargeStartBytes) GC.Collect();
        var runner = new LocalStepRunner(backend, LocalOptions);
        var clock = new Stopwatch();
        string? temporaryFolder = o.WarmStart && hooks.WarmStartFolder is null
            ? Directory.CreateTempSubdirectory("topic-engine-gamma-").FullName : null;
        using var warm = o.WarmStart ? new WarmStartGamma(hooks.WarmStartFolder ?? temporaryFolder!, trainingDocuments, k) : null;
        try
        {
            while (run.CompletedPasses < passLimit && !run.Converged)
            {
                int skip = run.BatchesDoneInPass;   // resume: these updates are already in λ
                bool batchPass = run.InBatchPass;   // one global step at the end of the pass
                var pass = new PassClock();
                double passBound = 0;
                long passTokens = 0, passDocuments = 0;
                long firstDocument = (long)skip * batchSize;   // training-document row of the next batch's first document
                if (warm is not null)
                {
                    hooks.SettleCheckpoints?.Invoke();   // no checkpoint may still point back to the pass whose file this one overwrites
                    warm.BeginPass(run.CompletedPasses);
                }
                LocalStepRunner.InitialGamma? initial = warm is { Warm: true } ? (batch, gamma) => { warm.Read(firstDocument, gamma); return true; } : null;
                var batches = passBatches.Batches(() => TrainingData.TrainingBatches(corpus, heldOutMask, batchSize, heldOutCollected ? null : heldOut));
                if (o.Mode == TrainingMode.Online && o.Order == DocumentOrder.Shuffled)
                    batches = TrainingData.Shuffled(batches, batchSize, o.Seed, run.CompletedPasses, TrainingOptions.ShuffleWindowNonZeros);
                batches = batches.Skip(skip);
                foreach (var output in runner.Run(batches, run.Alpha, index => new LocalStepRequest(true,
                    observers.Any(x => x.WantsBound(run, skip + index + 1 == run.BatchesPerPass))), cancellationToken, initial))
                {
                    var batch = output.Batch;
                    warm?.Write(firstDocument, output.Gamma.Span);
                    firstDocument += batch.DocumentCount;
                    pass.AddLocal(output);
                    if (!batchPass)
                    {
                        foreach (var x in observers) x.OnLocalStep(run, output);
                        var step = new GlobalStepInfo(Math.Pow(o.Tau0 + run.Step, -o.Kappa), (double)run.CorpusDocuments / batch.DocumentCount,
                            batch.DocumentCount, output.Result.Tokens, output.Result.DocumentBound, skip + output.Index + 1 == run.BatchesPerPass);
                        GlobalStep(run, observers, step, pass, clock);
                        run.DocumentsSeen += batch.DocumentCount;
                        run.DocumentsThisRun += batch.DocumentCount;
                        run.TokensThisRun += output.Result.Tokens;
                        run.BatchesDoneInPass = skip + output.Index + 1;
                        foreach (var x in observers) x.AfterStep(run, step);
                    }
                    else
                    {
                        passBound += output.Result.DocumentBound;
                        passTokens += output.Result.Tokens;
                        passDocuments += batch.DocumentCount;
                        run.DocumentsSeen += batch.DocumentCount;
                        run.DocumentsThisRun += batch.DocumentCount;
                        run.TokensThisRun += output.Result.Tokens;
                        foreach (var x in observers) x.OnLocalStep(run, output);
                    }
                }
                heldOutCollected = true;
                warm?.EndPass();
                if (batchPass)
                {
                    var step = new GlobalStepInfo(1, 1, passDocuments, passTokens, passBound, LastOfPass: true);
                    GlobalStep(run, observers, step, pass, clock);
                    foreach (var x in observers) x.AfterStep(run, step);
                }
                run.CompletedPasses++;
                run.BatchesDoneInPass = 0;
                run.RevivedTopics = TopicRevival.Apply(backend, o.ReviveTopics, run.Eta, o.Seed, run.CompletedPasses, passLimit).Count;   // before the pass's checkpoint
                run.LastPass = pass.Timing();
                foreach (var x in observers) x.AfterPass(run);
            }
        }
        finally
        {
            if (temporaryFolder is not null) try { Directory.Delete(temporaryFolder, recursive: true); } catch (IOException) { }
        }
        return new TrainingResult(run.Capture(), backend.Name, trainingDocuments, heldOutCount, corpus.TokenCount - heldOut.TokenCount);
    }

    /// <summary>λ ← (1 − ρ) λ + ρ (η + scale · s) with the observers around it, then t ← t + 1.</summary>
    private static void GlobalStep(TrainingRun run, ITrainingObserver[] observers, in GlobalStepInfo step, PassClock pass, Stopwatch clock)
    {
        foreach (var x in observers) x.BeforeGlobalStep(run, step);
        clock.Restart();
        run.Backend.GlobalStep((float)step.Rho, run.Eta, (float)step.Scale);
        pass.AddGlobal(clock);
        foreach (var x in observers) x.AfterGlobalStep(run, step);
        run.Step++;
    }

    private static ITrainingObserver[] Observers(TrainingHooks hooks)
    {
        var list = new List<ITrainingObserver> { new ElboLog(), new PriorSteps() };
        if (hooks.HeldOutEvaluation is { } heldOut) list.Add(heldOut);
        list.Add(new AutoPasses());
        if (hooks.Progress is { } progress) list.Add(new ProgressReport(progress));
        if (hooks.Checkpoint is { } checkpoint) list.Add(new CheckpointSchedule(checkpoint));
        list.AddRange(hooks.Observers);
        return [.. list];
    }

    /// <summary>Adds up where a pass's time goes: the local steps, the global steps, and the wall time (which includes
    /// waits for batches the reader has not decoded yet, and the observers).</summary>
    private sealed class PassClock
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private double _local, _global;
        private long _documents, _tokens, _nonZeros, _iterations;
        private int _batches;

        public void AddLocal(in LocalStepOutput output)
        {
            _local += output.Seconds;
            _documents += output.Batch.DocumentCount;
            _tokens += output.Result.Tokens;
            _nonZeros += output.Batch.NonZeroCount;
            _iterations += output.Result.Iterations;
            _batches++;
        }

        public void AddGlobal(Stopwatch clock) => _global += clock.Elapsed.TotalSeconds;

        public PassTiming Timing() => new(_local, _global, _wall.Elapsed.TotalSeconds, _documents, _tokens, _nonZeros, _iterations, _batches);
    }
}
