using TopicEngine.Corpus;

namespace TopicEngine.Evaluation;

/// <summary>NPMI coherence of a model: one value per topic and their mean.</summary>
/// <param name="PerTopic">Mean NPMI over the pairs of each topic's top words.</param>
/// <param name="Mean">Mean of <paramref name="PerTopic"/>.</param>
/// <param name="TopN">Top words per topic that were scored.</param>
/// <param name="ReferenceDocuments">Documents of the reference corpus.</param>
internal sealed record CoherenceResult(double[] PerTopic, double Mean, int TopN, int ReferenceDocuments);

/// <summary>
/// Topic quality measures that need only the top words, from boolean co-occurrence counts
/// (<see cref="CoOccurrenceCounts"/>) — each as gensim 4's <c>CoherenceModel</c> computes it (Röder et al. 2015):
/// UMass (Mimno et al. 2011; <c>u_mass</c>), NPMI (Bouma 2009; Aletras &amp; Stevenson 2013; <c>c_npmi</c>) and C_V
/// (<c>c_v</c>); and topic diversity (Dieng et al. 2020). Which virtual documents the counts are over (documents or
/// sliding windows) is the caller's choice: gensim uses documents for UMass, windows of 10 for NPMI and of 110 for C_V.
/// </summary>
internal static class TopicCoherence
{
    /// <summary>ε added to the joint probability, as gensim's measures and Röder et al. do (1e-12).</summary>
    public const double DefaultEpsilon = 1e-12;

    /// <summary>
    /// The <paramref name="n"/> most probable terms of each topic, most probable first (ties: lower term id first).
    /// <paramref name="topicWord"/>: K×V topic-major (rows need not be normalised; λ transposed works too).
    /// </summary>
    public static int[][] TopTerms(ReadOnlySpan<float> topicWord, int topics, int vocabularySize, int n)
    {
        if (topicWord.Length != (long)topics * vocabularySize) throw new ArgumentException("topicWord must be K×V.", nameof(topicWord));
        n = Math.Min(n, vocabularySize);
        var result = new int[topics][];
        for (int t = 0; t < topics; t++)
        {
            var row = topicWord.Slice(t * vocabularySize, vocabularySize);
            // insertion into a sorted top-n list: best first; ties keep the lower term id first
            var top = new int[n];
            int filled = 0;
            for (int w = 0; w < vocabularySize; w++)
            {
                float p = row[w];
                if (filled == n && !(p > row[top[n - 1]])) continue;
                int at = filled < n ? filled++ : n - 1;
                while (at > 0 && p > row[top[at - 1]]) { top[at] = top[at - 1]; at--; }
                top[at] = w;
            }
            result[t] = top;
        }
        return result;
    }

    /// <summary>Document co-occurrence counts of <paramref name="topTerms"/> over a bag-of-words corpus (each document one
    /// virtual document; empty documents count in N).</summary>
    public static CoOccurrenceCounts CountDocuments(int[][] topTerms, IBatchSource reference, int batchSize = 4096)
    {
        var counts = new CoOccurrenceCounts(topTerms);
        var present = new List<int>();
        foreach (var batch in reference.ReadBatches(batchSize))
            for (int d = 0; d < batch.DocumentCount; d++)
            {
                present.Clear();
                foreach (int w in batch.DocumentTerms(d))
                    if (counts.RelevantIndex.TryGetValue(w, out int r)) present.Add(r);
                counts.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(present));
            }
        return counts;
    }

    /// <summary>NPMI over document co-occurrence in <paramref name="reference"/> (see <see cref="Npmi(CoOccurrenceCounts, double)"/>).</summary>
    public static CoherenceResult Npmi(int[][] topTerms, IBatchSource reference, double epsilon = DefaultEpsilon, int batchSize = 4096)
    {
        var counts = CountDocuments(topTerms, reference, batchSize);
        if (counts.Documents == 0) throw new TopicEngineException("the reference corpus for coherence has no documents.");
        var perTopic = Npmi(counts, epsilon);
        return new CoherenceResult(perTopic, Mean(perTopic), topTerms.Length == 0 ? 0 : topTerms.Max(x => x.Length), (int)counts.Documents);
    }

    /// <summary>
    /// NPMI of each topic: the mean over the pairs of its top terms (gensim <c>c_npmi</c>: segmentation one-one, the
    /// ordered pairs, whose mean equals the unordered pairs' as NPMI is symmetric) of
    /// NPMI(wi, wj) = ln((P(wi, wj) + ε) / (P(wi) P(wj))) / −ln(P(wi, wj) + ε), with P(·) = N(·)/N.
    /// ε keeps the logarithm finite for pairs never seen together: they score ln(ε / (P(wi) P(wj))) / −ln ε, a little
    /// above −1. A pair with a term that never occurs in the reference scores −1 here (no evidence of co-occurrence);
    /// gensim divides by P(w) = 0 there and returns +∞ for the whole topic. A pair in every virtual document scores 1.
    /// Values are clamped to [−1, 1] (ε can push them past by ~1e-11).
    /// </summary>
    public static double[] Npmi(CoOccurrenceCounts counts, double epsilon = DefaultEpsilon)
    {
        var tops = counts.TopTerms;
        var perTopic = new double[tops.Length];
        for (int t = 0; t < tops.Length; t++)
        {
            int n = tops[t].Length;
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    sum += Npmi(counts.Count(t, i), counts.Count(t, j), counts.Joint(t, i, j), counts.Documents, epsilon);
                    pairs++;
                }
            perTopic[t] = pairs == 0 ? 0 : sum / pairs;
        }
        return perTopic;
    }

    /// <summary>NPMI of one pair from counts (see <see cref="Npmi(CoOccurrenceCounts, double)"/>).</summary>
    internal static double Npmi(long countI, long countJ, long countIJ, long documents, double epsilon)
    {
        if (countI == 0 || countJ == 0) return -1;
        if (countIJ == documents) return 1;
        double pi = (double)countI / documents, pj = (double)countJ / documents, pij = (double)countIJ / documents;
        double npmi = Math.Log((pij + epsilon) / (pi * pj)) / -Math.Log(pij + epsilon);
        return Math.Clamp(npmi, -1, 1);
    }

    /// <summary>
    /// UMass of each topic (Mimno et al. 2011, as gensim <c>u_mass</c>: segmentation one-preceding, log conditional
    /// probability, arithmetic mean): the mean over i = 2..n, j &lt; i of ln((N(wi, wj)/N + ε) / (N(wj)/N)), where the
    /// counts are over documents and w1 is the most probable term. A pair whose earlier term wj never occurs scores 0, as
    /// in gensim. Values are ≤ ~0; closer to 0 is more coherent.
    /// </summary>
    public static double[] UMass(CoOccurrenceCounts counts, double epsilon = DefaultEpsilon)
    {
        var tops = counts.TopTerms;
        double documents = counts.Documents;
        var perTopic = new double[tops.Length];
        for (int t = 0; t < tops.Length; t++)
        {
            int n = tops[t].Length;
            double sum = 0;
            int pairs = 0;
            for (int i = 1; i < n; i++)
                for (int j = 0; j < i; j++)
                {
                    long star = counts.Count(t, j);
                    if (star > 0) sum += Math.Log((counts.Joint(t, i, j) / documents + epsilon) / (star / documents));
                    pairs++;
                }
            perTopic[t] = pairs == 0 ? 0 : sum / pairs;
        }
        return perTopic;
    }

    /// <summary>
    /// C_V of each topic (Röder et al. 2015, as gensim <c>c_v</c>: segmentation one-set, indirect cosine confirmation
    /// over NPMI context vectors with γ = 1, arithmetic mean). With M[i][j] = NPMI(wi, wj) over the topic's top terms
    /// (M[i][i] included; counts normally over sliding windows of 110), the context vector of wi is M[i][·], that of the
    /// whole set W is Σ_i M[i][·], and the topic scores mean_i cos(M[i][·], Σ_k M[k][·]). Pairs with a term absent
    /// from the reference take NPMI −1 (see <see cref="Npmi(CoOccurrenceCounts, double)"/>; gensim returns NaN there).
    /// </summary>
    public static double[] Cv(CoOccurrenceCounts counts, double epsilon = DefaultEpsilon)
    {
        var tops = counts.TopTerms;
        var perTopic = new double[tops.Length];
        for (int t = 0; t < tops.Length; t++)
        {
            int n = tops[t].Length;
            // m: n×n NPMI matrix, row i = context vector of wi
            var m = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = i; j < n; j++)
                    m[i * n + j] = m[j * n + i] = Npmi(counts.Count(t, i), counts.Count(t, j), counts.Joint(t, i, j), counts.Documents, epsilon);
            var set = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) set[j] += m[i * n + j];
            double setNorm = Math.Sqrt(set.Sum(x => x * x));
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double dot = 0, norm = 0;
                for (int j = 0; j < n; j++)
                {
                    dot += m[i * n + j] * set[j];
                    norm += m[i * n + j] * m[i * n + j];
                }
                double denominator = Math.Sqrt(norm) * setNorm;
                sum += denominator == 0 ? 0 : dot / denominator;
            }
            perTopic[t] = n == 0 ? 0 : sum / n;
        }
        return perTopic;
    }

    /// <summary>The arithmetic mean (0 for no topics).</summary>
    public static double Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? 0 : values.Average();

    /// <summary>
    /// Topic diversity (Dieng et al. 2020): the fraction of distinct terms among all topics' top terms
    /// (conventionally the top 25). 1 means no two topics share a top term.
    /// </summary>
    public static double Diversity(int[][] topTerms)
    {
        int total = topTerms.Sum(t => t.Length);
        return total == 0 ? 0 : (double)topTerms.SelectMany(t => t).Distinct().Count() / total;
    }
}
