namespace TopicEngine.Inference;

/// <summary>
/// Revives starved topics between passes (<see cref="TrainingOptions.ReviveTopics"/>, <c>--revive-topics</c>).
/// <para>A topic's counts are what λ holds beyond the prior, n_k = Σ_w max(0, λ_kw − η) (the expected number of the
/// corpus's tokens the topic explains, scaled to the corpus), and its share is n_k / Σ_j n_j. Online SVI lets the topics
/// that win the first mini-batches grow while others starve: on 20news at K = 20 four topics end with under 0.5 % of the
/// tokens each, and their top words are rare words of a few documents that seldom occur together (NPMI −0.25 to −0.52
/// against the test split, benchmarks/RESULTS.md §13g).</para>
/// <para>After each pass in the first half of the fit (never after the last), every topic whose share is below
/// <c>threshold / K</c> is replaced by half of the topic with the most counts: for every word w, with a seeded uniform
/// f_w in [0, 1), the starved topic gets λ_kw = η + f_w c_w and the large one keeps η + (1 − f_w) c_w, where
/// c_w = max(0, λ_bw − η) is the large topic's count of w. The counts of the two add up to the large topic's, so the
/// corpus is explained as before, and the next passes let the documents choose between the halves. The seed is the
/// fit's and the pass number, so a fit stays deterministic, and revival happens before the end-of-pass checkpoint, so a
/// resumed fit matches the uninterrupted one.</para>
/// <para>It works on any backend through <see cref="ILdaBackend.GetLambda"/> and <see cref="ILdaBackend.SetLambda"/>
/// (one V×K copy each way per revival pass, and a V×K host buffer while it runs, collected at once from 4 MiB on).</para>
/// </summary>
internal static class TopicRevival
{
    /// <summary>Whether revival runs after pass <paramref name="completedPasses"/> of a fit of at most
    /// <paramref name="passLimit"/> passes: the first half, never the last.</summary>
    public static bool RunsAfter(int completedPasses, int passLimit) =>
        completedPasses < passLimit && 2 * completedPasses <= passLimit;

    /// <summary>The starved topics of <paramref name="lambda"/> (V×K, term-major) replaced by halves of the largest, in
    /// place. Returns the (starved, split) pairs in the order they were made; empty when no topic was below the share.</summary>
    /// <param name="lambda">λ, changed in place.</param>
    /// <param name="topics">K.</param>
    /// <param name="eta">η, the prior λ's counts are measured above.</param>
    /// <param name="threshold">A topic is starved when its share of the counts is below threshold / K.</param>
    /// <param name="seed">The fit's seed.</param>
    /// <param name="pass">The passes completed (mixed into the seed).</param>
    public static IReadOnlyList<(int Starved, int Split)> Revive(Span<float> lambda, int topics, float eta, double threshold, int seed, int pass)
    {
        int k = topics, v = lambda.Length / k;
        var counts = TopicCounts(lambda, k, eta);
        double total = counts.Sum();
        var made = new List<(int, int)>();
        if (!(total > 0)) return made;
        var random = new Random(Seed(seed, pass));
        for (int starved = 0; starved < k; starved++)
        {
            if (counts[starved] >= threshold / k * total) continue;
            int large = 0;
            for (int j = 1; j < k; j++) if (counts[j] > counts[large]) large = j;
            if (large == starved || !(counts[large] > 0)) break;
            double given = 0;
            for (int w = 0; w < v; w++)
            {
                int row = w * k;
                float c = MathF.Max(0, lambda[row + large] - eta);
                float f = (float)random.NextDouble();
                float part = f * c;
                lambda[row + starved] = eta + part;
                lambda[row + large] = eta + (c - part);
                given += part;
            }
            counts[large] -= given;
            counts[starved] = given;
            made.Add((starved, large));
        }
        return made;
    }

    /// <summary>n_k = Σ_w max(0, λ_kw − η) per topic, in double.</summary>
    public static double[] TopicCounts(ReadOnlySpan<float> lambda, int topics, float eta)
    {
        var counts = new double[topics];
        for (int i = 0; i < lambda.Length; i += topics)
            for (int t = 0; t < topics; t++) counts[t] += MathF.Max(0, lambda[i + t] - eta);
        return counts;
    }

    /// <summary>From this size of λ on, the host copy is collected as soon as revival is done with it (the command's
    /// large-object-heap threshold, 4 MiB: smaller arrays die young anyway).</summary>
    internal const long CollectFromBytes = 4L << 20;

    /// <summary>Revives on <paramref name="backend"/>'s λ when <see cref="RunsAfter"/> says so; returns the pairs made.</summary>
    public static IReadOnlyList<(int Starved, int Split)> Apply(ILdaBackend backend, double threshold, float eta, int seed,
        int completedPasses, int passLimit)
    {
        if (!(threshold > 0) || !RunsAfter(completedPasses, passLimit)) return [];
        int k = backend.Topics, v = backend.VocabularySize;
        var lambda = new float[(long)v * k];
        backend.GetLambda(lambda);
        var made = Revive(lambda, k, eta, threshold, seed, completedPasses);
        if (made.Count > 0) backend.SetLambda(lambda, v);
        // The host copy is garbage now. Collected here, while the pass's buffers are idle, it does not sit on the
        // large-object heap beside the checkpoint's or the final save's copy of λ (as the seeded start, see SviTrainer).
        if ((long)v * k * sizeof(float) >= CollectFromBytes)
        {
            lambda = null!;
            GC.Collect();
        }
        return made;
    }

    /// <summary>A fixed mix of the seed and the pass (SplitMix64 finaliser), the same in every process.</summary>
    private static int Seed(int seed, int pass) => TrainingData.SplitMix(unchecked(((ulong)(uint)seed << 32 | (uint)pass) + 0xD1B54A32D192ED03UL));
}
