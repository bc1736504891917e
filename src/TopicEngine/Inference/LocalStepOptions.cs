namespace TopicEngine.Inference;

/// <summary>
/// Settings of the local (per-document) step: stop when mean |Δγ| over the K topics falls below
/// <see cref="Tolerance"/> or after <see cref="MaxIterations"/> iterations.
/// </summary>
internal sealed record LocalStepOptions(int MaxIterations = 100, float Tolerance = 1e-3f)
{
    public static LocalStepOptions Default { get; } = new();
}
