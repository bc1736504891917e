namespace TopicEngine.Inference;

/// <summary>
/// Settings of the local (per-document) step, the same for training, inference and evaluation: stop when mean |Δγ|
/// over the K topics falls below <see cref="Tolerance"/> or after <see cref="MaxIterations"/> iterations
/// (<c>--max-iterations</c>, <c>--tolerance</c>), each iteration over-relaxed by <see cref="Relaxation"/>
/// (<c>--relaxation</c>, <see cref="LdaMath.RelaxedGamma"/>). Immutable; the defaults are defined here once.
/// </summary>
/// <param name="MaxIterations">Most local-step iterations per document. Default <see cref="DefaultMaxIterations"/>.</param>
/// <param name="Tolerance">The local step stops when mean |Δγ| falls below this. Default <see cref="DefaultTolerance"/>.</param>
public sealed record LocalStepOptions(int MaxIterations = LocalStepOptions.DefaultMaxIterations, float Tolerance = LocalStepOptions.DefaultTolerance)
{
    /// <summary>Default of <see cref="MaxIterations"/>: 100.</summary>
    public const int DefaultMaxIterations = 100;

    /// <summary>Default of <see cref="Tolerance"/>: 1e-3.</summary>
    public const float DefaultTolerance = 1e-3f;

    /// <summary>
    /// ω of the over-relaxed local step (<see cref="LdaMath.RelaxedGamma"/>): after the first
    /// <see cref="LdaMath.PlainIterations"/> iterations γ ← max(γ + ω (T(γ) − γ), (α + T(γ)) / 2), where T is the plain update; 1 is the
    /// plain fixed-point step. The stopping test is still mean |T(γ) − γ| &lt; <see cref="Tolerance"/>, so a relaxed step stops
    /// at least as close to the fixed point. Default <see cref="DefaultRelaxation"/>: on 20news it took 34.5 → 24.9
    /// iterations per document at K = 20 and 25.5 → 18.4 at K = 100, for about the same held-out perplexity
    /// (benchmarks/RESULTS.md §13i).
    /// </summary>
    public float Relaxation { get; init; } = DefaultRelaxation;

    /// <summary>Default of <see cref="Relaxation"/>: 1.6.</summary>
    public const float DefaultRelaxation = 1.6f;

    /// <summary>The plain fixed-point step (ω = 1), as every backend ran it before the relaxation: the evaluator scores
    /// with it, so that its numbers stay comparable between versions and tools.</summary>
    public static LocalStepOptions Plain { get; } = new() { Relaxation = 1f };

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
