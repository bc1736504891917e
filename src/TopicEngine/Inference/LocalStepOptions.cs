namespace TopicEngine.Inference;

/// <summary>
/// Settings of the local (per-document) step, the same for training, inference and evaluation: stop when Σ_k |Δγ_k| / s_d
/// falls below <see cref="Tolerance"/> (s_d = max(K, N_d) by default, K with <see cref="ToleranceByLength"/> off:
/// <see cref="LdaMath.ChangeScale"/>) or after <see cref="MaxIterations"/> iterations
/// (<c>--max-iterations</c>, <c>--tolerance</c>, <c>--tolerance-by-length</c>), each iteration over-relaxed by <see cref="Relaxation"/>
/// (<c>--relaxation</c>, <see cref="LdaMath.RelaxedGamma"/>). Immutable; the defaults are defined here once.
/// </summary>
/// <param name="MaxIterations">Most local-step iterations per document. Default <see cref="DefaultMaxIterations"/>.</param>
/// <param name="Tolerance">The local step stops when Σ_k |Δγ_k| / s_d falls below this (mean |Δγ| over the topics for a
/// document of at most K tokens). Default <see cref="DefaultTolerance"/>.</param>
public sealed record LocalStepOptions(int MaxIterations = LocalStepOptions.DefaultMaxIterations, float Tolerance = LocalStepOptions.DefaultTolerance)
{
    /// <summary>Default of <see cref="MaxIterations"/>: 100.</summary>
    public const int DefaultMaxIterations = 100;

    /// <summary>Default of <see cref="Tolerance"/>: 1e-3.</summary>
    public const float DefaultTolerance = 1e-3f;

    /// <summary>
    /// ω of the over-relaxed local step (<see cref="LdaMath.RelaxedGamma"/>): after the first
    /// <see cref="LdaMath.PlainIterations"/> iterations γ ← max(γ + ω (T(γ) − γ), (α + T(γ)) / 2), where T is the plain update; 1 is the
    /// plain fixed-point step. The stopping test is still Σ_k |T(γ)_k − γ_k| / s_d &lt; <see cref="Tolerance"/>, so a relaxed step stops
    /// at least as close to the fixed point. Default <see cref="DefaultRelaxation"/>: on 20news it took 34.5 → 24.9
    /// iterations per document at K = 20 and 25.5 → 18.4 at K = 100, for about the same held-out perplexity
    /// (benchmarks/RESULTS.md §13i).
    /// </summary>
    public float Relaxation { get; init; } = DefaultRelaxation;

    /// <summary>Default of <see cref="Relaxation"/>: 1.6.</summary>
    public const float DefaultRelaxation = 1.6f;

    /// <summary>
    /// Scale the stopping test by the document's length (<c>--tolerance-by-length</c>): Σ_k |Δγ_k| / max(K, N_d) &lt;
    /// <see cref="Tolerance"/> instead of Σ_k |Δγ_k| / K (<see cref="LdaMath.ChangeScale"/>). A document of at most K tokens
    /// stops where it did; a longer one stops once its change per token is below the tolerance. Default on: on 20news
    /// (10 passes, seeds 1–3) it took 13% of the local step's work at K = 100 and 20% at K = 20 (the documents of more
    /// than 256 distinct terms, 3% of them, did 38% of the work, at 31–45 iterations each), for the same held-out
    /// perplexity (2,700 against 2,698; 2,775 against 2,776) and NPMI (benchmarks/RESULTS.md §13m).
    /// </summary>
    public bool ToleranceByLength { get; init; } = true;

    /// <summary>s_d of a document of <paramref name="tokens"/> tokens under these settings (<see cref="LdaMath.ChangeScale"/>).</summary>
    internal float ChangeScale(int topics, float tokens) => LdaMath.ChangeScale(topics, tokens, ToleranceByLength);

    /// <summary>The plain fixed-point step (ω = 1) and the stopping test by mean |Δγ| over the topics, as every backend ran
    /// them before the relaxation and the test by length: the evaluator scores with it, so that its numbers stay
    /// comparable between versions and tools.</summary>
    public static LocalStepOptions Plain { get; } = new() { Relaxation = 1f, ToleranceByLength = false };

    /// <summary>The defaults.</summary>
    public static LocalStepOptions Default { get; } = new();

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxIterations <= 0) throw new TopicEngineException($"--max-iterations must be at least 1, not {MaxIterations}.");
        if (!(Tolerance >= 0) || float.IsInfinity(Tolerance)) throw new TopicEngineException($"--tolerance must be a non-negative number, not {Tolerance}.");
        if (!(Relaxation >= 1 && Relaxation < 2)) throw new TopicEngineException($"--relaxation must be in [1, 2) (1: the plain step), not {Relaxation}.");
    }
}
