using TopicEngine.Inference;

namespace TopicEngine;

/// <summary>
/// How a loaded <see cref="TopicModel"/> runs the local step for new documents. Immutable; the
/// defaults are those of <c>topic-engine fit</c> (<c>--max-iterations 100</c>, <c>--tolerance 1e-3</c>),
/// so a document inferred with them gets the θ that doc_topics.parquet recorded for it.
/// </summary>
public sealed record InferenceOptions
{
    /// <summary>The local step's iteration cap and tolerance (<c>--max-iterations</c>, <c>--tolerance</c>); the defaults
    /// are <c>fit</c>'s.</summary>
    public LocalStepOptions LocalStep { get; init; } = LocalStepOptions.Default;

    /// <summary>Threads <see cref="TopicModel.Infer(IEnumerable{string})"/> spreads documents over; 0 means all cores. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>The posterior mass each topic share's credible interval holds (<c>--interval</c>), strictly between 0 and 1.
    /// Default 0.9: <see cref="TopicMixture.ThetaLower"/> and <see cref="TopicMixture.ThetaUpper"/> (and the
    /// <c>theta_lower</c>, <c>theta_upper</c> columns) are the 5% and 95% quantiles of θ_k's Beta(γ_k, Σγ − γ_k) marginal.</summary>
    public double CredibleLevel { get; init; } = BetaDistribution.DefaultCredibleLevel;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the setting when a value is out of range.</summary>
    public void Validate()
    {
        LocalStep.Validate();
        if (Threads < 0) throw new TopicEngineException($"Threads (--threads) must be 0 (all cores) or positive, not {Threads}");
        if (!(CredibleLevel > 0 && CredibleLevel < 1))
            throw new TopicEngineException($"CredibleLevel (--interval) must lie strictly between 0 and 1 (e.g. 0.9), not {CredibleLevel}");
    }
}
