namespace TopicEngine;

/// <summary>
/// How a loaded <see cref="TopicModel"/> runs the local step for new documents. Immutable; the
/// defaults are those of <c>topic-engine fit</c> (<c>--max-iterations 100</c>, <c>--tolerance 1e-3</c>),
/// so a document inferred with them gets the θ that doc_topics.parquet recorded for it.
/// </summary>
public sealed record InferenceOptions
{
    /// <summary>Most local-step iterations per document (<c>--max-iterations</c>). Default 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>The local step stops when mean |Δγ| falls below this (<c>--tolerance</c>). Default 1e-3.</summary>
    public float Tolerance { get; init; } = 1e-3f;

    /// <summary>Threads <see cref="TopicModel.Infer(IEnumerable{string})"/> spreads documents over; 0 means all cores. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="TopicEngineException"/> naming the setting when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxIterations <= 0) throw new TopicEngineException($"MaxIterations (--max-iterations) must be at least 1, not {MaxIterations}");
        if (!(Tolerance >= 0) || float.IsInfinity(Tolerance)) throw new TopicEngineException($"Tolerance (--tolerance) must be a non-negative number, not {Tolerance}");
        if (Threads < 0) throw new TopicEngineException($"Threads (--threads) must be 0 (all cores) or positive, not {Threads}");
    }
}
