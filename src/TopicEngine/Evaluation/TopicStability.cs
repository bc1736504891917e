namespace TopicEngine.Evaluation;

/// <summary>
/// How reproducible a model's topics are across random seeds: two fits of the same K are matched topic to topic by the
/// Hungarian assignment on the cosine similarity of their topic-word distributions, and the matched cosines are averaged
/// (1: the same topics, up to order; near 0: unrelated topics). Averaged over every pair of seeds.
/// </summary>
internal static class TopicStability
{
    /// <summary>Mean best-match cosine of two fits; <paramref name="a"/> and <paramref name="b"/>: K×V topic-major E[β].</summary>
    public static double MatchedCosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int topics, int vocabularySize)
    {
        if (a.Length != (long)topics * vocabularySize || b.Length != a.Length)
            throw new ArgumentException("both topic-word matrices must be K×V.");
        var matches = HungarianAssignment.MatchByCosine(a, b, topics, vocabularySize);
        return matches.Average(m => m.Cosine);
    }

    /// <summary>
    /// For every fit, the mean of <see cref="MatchedCosine"/> against each other fit (NaN with a single fit), and the mean
    /// over all pairs (the K's stability).
    /// </summary>
    public static (double[] PerFit, double Mean) AcrossSeeds(IReadOnlyList<float[]> fits, int topics, int vocabularySize)
    {
        int n = fits.Count;
        var perFit = new double[n];
        if (n < 2)
        {
            Array.Fill(perFit, double.NaN);
            return (perFit, double.NaN);
        }
        var sums = new double[n];
        double total = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double c = MatchedCosine(fits[i], fits[j], topics, vocabularySize);
                sums[i] += c;
                sums[j] += c;
                total += c;
                pairs++;
            }
        for (int i = 0; i < n; i++) perFit[i] = sums[i] / (n - 1);
        return (perFit, total / pairs);
    }
}
