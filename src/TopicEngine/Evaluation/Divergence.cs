namespace TopicEngine.Evaluation;

/// <summary>Divergences between two discrete distributions (each summing to 1).</summary>
internal static class Divergence
{
    /// <summary>
    /// JSD(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = ½ (p + q), natural log (in [0, ln 2]); terms with a zero (or negative)
    /// probability add nothing.
    /// </summary>
    public static double JensenShannon(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        double sum = 0;
        int n = Math.Min(p.Length, q.Length);
        for (int k = 0; k < n; k++)
        {
            double a = Math.Max(0, p[k]), b = Math.Max(0, q[k]), m = 0.5 * (a + b);
            if (a > 0) sum += a * Math.Log(a / m);
            if (b > 0) sum += b * Math.Log(b / m);
        }
        return Math.Max(0, 0.5 * sum);
    }
}
