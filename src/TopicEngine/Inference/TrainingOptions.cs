namespace TopicEngine.Inference;

/// <summary>How the global step sees the corpus.</summary>
public enum TrainingMode
{
    /// <summary>Stochastic variational inference: one global step per mini-batch, ρ_t = (τ0 + t)^(−κ).</summary>
    Online,

    /// <summary>Batch variational Bayes: one global step per pass over the whole training corpus, ρ = 1.</summary>
    Batch,
}

/// <summary>The order in which a pass visits the training documents (online mode).</summary>
public enum DocumentOrder
{
    /// <summary>A seeded random order, a new one every pass (within windows of <see cref="TrainingOptions.ShuffleWindowNonZeros"/>
    /// term entries on corpora larger than that), so that every mini-batch is a sample of the whole corpus as SVI assumes.</summary>
    Shuffled,

    /// <summary>The corpus's own order (a corpus sorted by source or date then gives mini-batches of one kind of document).</summary>
    Corpus,
}

/// <summary>Where λ starts in a new fit (<c>--start</c>).</summary>
public enum LambdaStart
{
    /// <summary>From the training corpus: every topic the corpus's word frequencies (three times the corpus's counts spread
    /// over the K topics) with Gamma noise (<c>CorpusStart</c>: the corpus read before the first pass). The default.</summary>
    Corpus,

    /// <summary>Every entry drawn from Gamma(100, 1/100), nearly flat topics, as gensim and scikit-learn start.</summary>
    Random,
}

/// <summary>
/// Every setting of a fit, with the command line's defaults. Immutable; change with <c>with</c>.
/// Call <see cref="Validate"/> (the trainer does) to get a one-line <see cref="TopicEngineException"/>
/// naming the flag to change.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Number of topics K (<c>--topics</c>).</summary>
    public int Topics { get; init; } = 20;

    /// <summary>Online SVI or batch VB (<c>--mode</c>).</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Online;

    /// <summary>Passes over the corpus (<c>--passes</c>); null means <c>auto</c>: stop when the held-out
    /// per-word log-likelihood improves by less than <see cref="AutoPassesThreshold"/> (relative) between
    /// passes, at most <see cref="MaxAutoPasses"/>.</summary>
    public int? Passes { get; init; } = 1;

    /// <summary>Upper bound on passes under <c>--passes auto</c>.</summary>
    public int MaxAutoPasses { get; init; } = 50;

    /// <summary>Relative improvement of the held-out per-word log-likelihood below which <c>--passes auto</c> stops (0.1%).</summary>
    public double AutoPassesThreshold { get; init; } = 0.001;

    /// <summary>
    /// Training documents per mini-batch (<c>--batch-size</c>); online mode only. Null (the default, <c>auto</c>)
    /// takes D/10 rounded up and clamped to [<see cref="MinAutoBatchSize"/>, <see cref="MaxAutoBatchSize"/>]: about ten global
    /// steps per pass, the best of the sizes measured on AP (2,021 training documents: 256 ≈ 128 &gt; 512) and
    /// 20news (11,314: 1024 ≈ 512 &gt; 256), see <see cref="ResolveBatchSize"/>.
    /// </summary>
    public int? BatchSize { get; init; }

    /// <summary>
    /// The order a pass visits the training documents in (<c>--order</c>); default <see cref="DocumentOrder.Shuffled"/>.
    /// On 20news (sorted by newsgroup, so a D/10 mini-batch in corpus order holds about two of the twenty groups) shuffling
    /// took the held-out perplexity at K = 20, 10 passes from 3,563 to 3,497, at K = 100 from 3,295 to 3,157 (seed 1,
    /// benchmarks/RESULTS.md §13c).
    /// Batch mode sums every document of a pass and ignores it.
    /// </summary>
    public DocumentOrder Order { get; init; } = DocumentOrder.Shuffled;

    /// <summary>Most term entries (non-zero counts) <see cref="DocumentOrder.Shuffled"/> holds at once, 2^22 (32 MiB of ids
    /// and counts): a corpus up to this size is shuffled whole each pass, a larger one within consecutive windows of this size.</summary>
    public const int ShuffleWindowNonZeros = 1 << 22;

    /// <summary>Smallest automatic mini-batch.</summary>
    public const int MinAutoBatchSize = 64;

    /// <summary>Largest automatic mini-batch (bounds the memory of a batch and keeps large corpora at many steps per pass).</summary>
    public const int MaxAutoBatchSize = 4096;

    /// <summary>The mini-batch size for <paramref name="trainingDocuments"/> documents: <see cref="BatchSize"/>, or ⌈D/10⌉ clamped when automatic.</summary>
    /// <remarks>D/10 is rounded up: rounded to nearest, 11,314 documents (20news) made ten batches of 1,131 and an eleventh
    /// of 4 documents, whose statistics the global step scales by D/4 ≈ 2,800 — one of every eleven steps pulled λ towards
    /// four documents.</remarks>
    public int ResolveBatchSize(int trainingDocuments) =>
        BatchSize ?? Math.Clamp((trainingDocuments + 9) / 10, MinAutoBatchSize, MaxAutoBatchSize);

    /// <summary>κ, the forgetting rate of ρ_t = (τ0 + t)^(−κ), in (0.5, 1] (<c>--kappa</c>).</summary>
    public double Kappa { get; init; } = 0.7;

    /// <summary>τ0 ≥ 1, the delay of ρ_t = (τ0 + t)^(−κ), t = global steps done so far (<c>--tau0</c>).</summary>
    public double Tau0 { get; init; } = 10;

    /// <summary>Document-topic prior α (<c>--alpha</c>); default symmetric 1/K.</summary>
    public PriorSetting Alpha { get; init; } = PriorSetting.Symmetric;

    /// <summary>Topic-word prior η (<c>--eta</c>): symmetric (1/K), auto or a value; default 1/K.</summary>
    public PriorSetting Eta { get; init; } = PriorSetting.Symmetric;

    /// <summary>The local step's iteration cap and tolerance (<c>--max-iterations</c>, <c>--tolerance</c>).</summary>
    public LocalStepOptions LocalStep { get; init; } = LocalStepOptions.Default;

    /// <summary>
    /// Start each training document's local step in pass p ≥ 2 from its γ of pass p − 1 instead of 1 (<c>--warm-start on|off</c>).
    /// The γ's are streamed beside the fit, one batch in memory (D×K float32 on disk, two files by pass parity, see
    /// <see cref="WarmStartGamma"/>); deterministic, and a resumed fit reads the same γ as the uninterrupted one.
    /// Default off: on 20news (K = 20, 100) and AP (K = 20), 10 passes, it cut the local step's iterations and 18–31% of
    /// the CPU time, but held-out perplexity came out 3–7% worse (benchmarks/RESULTS.md, section 13b). Online, it needs
    /// <see cref="DocumentOrder.Corpus"/> (γ rows follow the stored order; <see cref="Validate"/> refuses it with shuffling).
    /// </summary>
    public bool WarmStart { get; init; }

    /// <summary>
    /// Revive starved topics (<c>--revive-topics</c>): after each pass of the first half of the fit, a topic whose share of
    /// the topic-word counts Σ_w (λ_kw − η) is below <c>ReviveTopics / K</c> is replaced by half of the largest topic
    /// (<see cref="TopicRevival"/>); 0 is off. Default <see cref="DefaultReviveTopics"/>. With the corpus start
    /// (<see cref="Start"/>) on 20news (10 passes, ten seeds) 0.15 raised the NPMI of the top 10 words from +0.013 to +0.035
    /// at K = 20 and from −0.141 to −0.020 at K = 100, for held-out perplexity 0.7 % worse at K = 20 and 4 % better at K = 100,
    /// and 10–25 % more CPU time at K = 100 (benchmarks/RESULTS.md §13l). With the random start it cost perplexity
    /// (§13g). <c>update</c> never revives: it folds documents into topics that are already the model's.
    /// </summary>
    public double ReviveTopics { get; init; } = DefaultReviveTopics;

    /// <summary>Default of <see cref="ReviveTopics"/>: 0.15.</summary>
    public const double DefaultReviveTopics = 0.15;

    /// <summary>
    /// Make the first pass of an online fit a batch step (<c>--first-pass batch|online</c>): its mini-batches only gather
    /// statistics under the seeded λ, and at the end of the pass λ = η + the whole corpus's statistics (ρ = 1, as the first
    /// iteration of batch VB); the other passes are online from there, with ρ_t counted from t = 1. Off by default. Every topic
    /// then starts from the whole corpus instead of the first mini-batches, which leave some topics holding a few long
    /// documents' rare words. On 20news (10 passes, three seeds) with <c>--eta auto</c> it raised the NPMI of the top 10
    /// words at K = 20 and K = 100, kept the held-out perplexity at K = 20 and improved it at K = 100, for 1.3–1.6 times the
    /// CPU time (benchmarks/RESULTS.md §13h).
    /// It applies only to a fit that has not taken a global step yet, so <c>update</c> and resumed fits are unchanged.
    /// </summary>
    public bool BatchFirstPass { get; init; }

    /// <summary>
    /// Where λ starts (<c>--start corpus|random</c>). <see cref="LambdaStart.Corpus"/> (the default): every topic starts as
    /// the training corpus's word frequencies, λ⁰_kw = g_kw (1 + 3 n_w / K) with g ~ Gamma(100, 1/100);
    /// <see cref="LambdaStart.Random"/>: g alone, nearly flat topics, as gensim and scikit-learn start. With 10 passes the
    /// corpus start gave better held-out perplexity on 20news (K = 20 and 100), AP (K = 20 and 100) and a generated corpus,
    /// and better NPMI on 20news, at the same CPU time (benchmarks/RESULTS.md §13l). It applies only to a new fit:
    /// <c>update</c> and resumed fits go on from the saved λ.
    /// </summary>
    public LambdaStart Start { get; init; } = LambdaStart.Corpus;

    /// <summary>Fraction of documents held out for document-completion perplexity, chosen by <see cref="Seed"/> (<c>--holdout</c>).</summary>
    public double HoldoutFraction { get; init; } = 0.05;

    /// <summary>Cap on held-out documents (they are kept in memory for evaluation).</summary>
    public int MaxHoldoutDocuments { get; init; } = 20_000;

    /// <summary>Seed of λ's initialisation and of the held-out choice (<c>--seed</c>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Worker threads; 0 means all cores (<c>--threads</c>).</summary>
    public int Threads { get; init; }

    /// <summary>Log the per-word ELBO every this many global steps (<c>--eval-every</c>; the last step of each pass is always logged, 0 logs only those). Default 50: the β part of the bound touches all V×K entries, about 50 ms at V = 25,000, K = 100 on one core, so 50 keeps it to a few per cent of training.</summary>
    public int EvalEvery { get; init; } = 50;

    /// <summary>Hand a checkpoint to the caller every this many mini-batches (0: only at the end of each pass).</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a setting is out of range.</summary>
    public void Validate()
    {
        if (Topics <= 0) throw new TopicEngineException($"--topics must be at least 1, not {Topics}.");
        if (WarmStart && Mode == TrainingMode.Online && Order == DocumentOrder.Shuffled)
            throw new TopicEngineException("--warm-start on keeps each document's γ by its place in the stored order, which --order shuffled changes every pass: add --order corpus.");
        if (Passes is <= 0) throw new TopicEngineException($"--passes must be a positive number or auto, not {Passes}.");
        if (MaxAutoPasses <= 0) throw new TopicEngineException($"the maximum number of automatic passes must be positive, not {MaxAutoPasses}.");
        if (BatchSize <= 0) throw new TopicEngineException($"--batch-size must be at least 1, not {BatchSize}.");
        if (!(Kappa > 0.5 && Kappa <= 1)) throw new TopicEngineException($"--kappa must be in (0.5, 1], not {Kappa}.");
        if (!(Tau0 >= 1) || double.IsInfinity(Tau0)) throw new TopicEngineException($"--tau0 must be a number ≥ 1 (so that ρ_0 = τ0^(−κ) ≤ 1), not {Tau0}.");
        if (Eta.Kind == PriorKind.Asymmetric) throw new TopicEngineException("--eta must be symmetric, auto or a positive number; asymmetric applies to --alpha only.");
        if (Alpha.Kind == PriorKind.Fixed && !(Alpha.Value > 0 && float.IsFinite(Alpha.Value))) throw new TopicEngineException($"--alpha must be positive, not {Alpha.Value}.");
        if (Eta.Kind == PriorKind.Fixed && !(Eta.Value > 0 && float.IsFinite(Eta.Value))) throw new TopicEngineException($"--eta must be positive, not {Eta.Value}.");
        if (!(ReviveTopics >= 0 && ReviveTopics < 1)) throw new TopicEngineException($"--revive-topics must be off or a share in (0, 1) of 1/K (e.g. 0.1), not {ReviveTopics}.");
        LocalStep.Validate();
        if (!(HoldoutFraction >= 0 && HoldoutFraction < 1)) throw new TopicEngineException($"--holdout must be in [0, 1), not {HoldoutFraction}.");
        if (MaxHoldoutDocuments < 0) throw new TopicEngineException($"the held-out document cap must not be negative, not {MaxHoldoutDocuments}.");
        if (Threads < 0) throw new TopicEngineException($"--threads must be 0 (all cores) or positive, not {Threads}.");
        if (EvalEvery < 0) throw new TopicEngineException($"--eval-every must not be negative, not {EvalEvery}.");
        if (CheckpointEvery < 0) throw new TopicEngineException($"--checkpoint-every must not be negative, not {CheckpointEvery}.");
        if (Passes is null && HoldoutFraction == 0) throw new TopicEngineException("--passes auto needs held-out documents: set --holdout above 0 or give --passes N.");
    }
}
