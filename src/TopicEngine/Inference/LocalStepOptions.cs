namespace TopicEngine.Inference;

/// <summary>
/// Settings of the local (per-document) step, the same for training, inference and evaluation: stop when mean |Δγ|
/// over the K topics falls below <see cref="Tolerance"/> or after <see cref="MaxIterations"/> iterations
/// (<c>--max-iterations</c>, <c>--tolerance</c>). Immutable; the defaults are defined here once.
/// </summary>
/// <param name="MaxIterations">Most local-step iterations per document. Default <see cref="DefaultMaxIterations"/>.</param>
/// <param name="Tolerance">The local step stops when mean |Δγ| falls below this. Default <see cref="DefaultTolerance"/>.</param>
public sealed record LocalStepOptions(int MaxIterations = LocalStepOptions.DefaultMaxIterations, float Tolerance = LocalStepOptions.DefaultTolerance)
{
    /// <summary>Default of <see cref="MaxIterations"/>: 100.</summary>
    public const int DefaultMaxIterations = 100;

    /// <summary>Default of <see cref="Tolerance"/>: 1e-3.</summary>
    public const float DefaultTolerance = 1e-3f;

    /// <summary>The defaults.</summary>
    public static LocalStepOptions Default { get; } = new();

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxIterations <= 0) throw new TopicEngineException($"--max-iterations must be at least 1, not {MaxIterations}.");
        if (!(Tolerance >= 0) || float.IsInfinity(Tolerance)) throw new TopicEngineException($"--tolerance must be a non-negative number, not {Tolerance}.");
    }
}
