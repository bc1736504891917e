using TopicEngine.Evaluation;

namespace TopicEngine;

/// <summary>Distances between two topic mixtures θ (each K values summing to 1), for "documents like this one".</summary>
internal static class MixtureDistance
{
    public static double Compute(TopicDistance measure, ReadOnlySpan<float> p, ReadOnlySpan<float> q) => measure switch
    {
        TopicDistance.JensenShannon => JensenShannon(p, q),
        _ => Hellinger(p, q),
    };

    /// <summary>H(p, q) = (1/√2) ‖√p − √q‖₂ (= sqrt(1 − Σ_k sqrt(p_k q_k)) for mixtures summing to 1, but exactly 0 for equal ones).</summary>
    public static double Hellinger(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        double sum = 0;
        int n = Math.Min(p.Length, q.Length);
        for (int k = 0; k < n; k++)
        {
            double d = Math.Sqrt(Math.Max(0, p[k])) - Math.Sqrt(Math.Max(0, q[k]));
            sum += d * d;
        }
        return Math.Sqrt(sum / 2);
    }

    /// <summary>JS(p, q) in bits: <see cref="Divergence.JensenShannon"/> / ln 2, in [0, 1].</summary>
    public static double JensenShannon(ReadOnlySpan<float> p, ReadOnlySpan<float> q) => Divergence.JensenShannon(p, q) / Math.Log(2);
}
