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

    /// <summary>JS(p, q) = ½ Σ p log2(p/m) + ½ Σ q log2(q/m), m = ½(p + q); terms with a zero probability add nothing.</summary>
    public static double JensenShannon(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        double js = 0;
        int n = Math.Min(p.Length, q.Length);
        for (int k = 0; k < n; k++)
        {
            double a = Math.Max(0, p[k]), b = Math.Max(0, q[k]), m = 0.5 * (a + b);
            if (a > 0) js += 0.5 * a * Math.Log2(a / m);
            if (b > 0) js += 0.5 * b * Math.Log2(b / m);
        }
        return Math.Max(0, js);
    }
}
