using TopicEngine.Corpus;

namespace TopicEngine.Evaluation;

/// <summary>NPMI coherence of a model: one value per topic and their mean.</summary>
/// <param name="PerTopic">Mean NPMI over the pairs of each topic's top words.</param>
/// <param name="Mean">Mean of <paramref name="PerTopic"/>.</param>
/// <param name="TopN">Top words per topic that were scored.</param>
/// <param name="ReferenceDocuments">Documents of the reference corpus.</param>
internal sealed record CoherenceResult(double[] PerTopic, double Mean, int TopN, int ReferenceDocuments);

/// <summary>
/// Topic quality measures that need only the top words: NPMI coherence over document co-occurrence in a
/// reference corpus (Bouma 2009; Aletras &amp; Stevenson 2013; Röder et al. 2015) and topic diversity
/// (Dieng et al. 2020).
/// </summary>
internal static class TopicCoherence
{
    /// <summary>ε added to the joint probability, as gensim's c_npmi and Röder et al. do (1e-12).</summary>
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

    /// <summary>
    /// NPMI of every pair of each topic's top terms over document co-occurrence in <paramref name="reference"/>:
    /// P(w) = D(w)/D, P(wi, wj) = D(wi, wj)/D,
    /// NPMI = ln((P(wi, wj) + ε) / (P(wi) P(wj))) / −ln(P(wi, wj) + ε).
    /// ε keeps the logarithm finite for pairs never seen together: they score ln(ε / (P(wi) P(wj))) / −ln ε,
    /// a little above −1 (−0.95 for two words each in half the documents), as in gensim's c_npmi.
    /// A pair with a word that never occurs in the reference scores −1 (no evidence of co-occurrence);
    /// a pair occurring in every document scores 1. Results are clamped to [−1, 1]. A topic's score is the mean over its pairs.
    /// </summary>
    public static CoherenceResult Npmi(int[][] topTerms, IBatchSource reference, double epsilon = DefaultEpsilon, int batchSize = 4096)
    {
        int topics = topTerms.Length;
        // term → list of (topic, rank) it is a top term of
        var membership = new Dictionary<int, List<(int Topic, int Rank)>>();
        for (int t = 0; t < topics; t++)
            for (int r = 0; r < topTerms[t].Length; r++)
            {
                if (!membership.TryGetValue(topTerms[t][r], out var list)) membership[topTerms[t][r]] = list = new();
                list.Add((t, r));
            }
        var single = topTerms.Select(top => new long[top.Length]).ToArray();
        var joint = topTerms.Select(top => new long[top.Length * top.Length]).ToArray();
        var present = topTerms.Select(top => new List<int>(top.Length)).ToArray();
        var touched = new List<int>();
        int documents = 0;
        foreach (var batch in reference.ReadBatches(batchSize))
        {
            for (int d = 0; d < batch.DocumentCount; d++)
            {
                documents++;
                foreach (var w in batch.DocumentTerms(d))
                    if (membership.TryGetValue(w, out var list))
                        foreach (var (t, r) in list)
                        {
                            if (present[t].Count == 0) touched.Add(t);
                            present[t].Add(r);
                        }
                foreach (var t in touched)
                {
                    var ranks = present[t];
                    int n = topTerms[t].Length;
                    for (int a = 0; a < ranks.Count; a++)
                    {
                        single[t][ranks[a]]++;
                        for (int b = 0; b < ranks.Count; b++)
                            if (ranks[a] < ranks[b]) joint[t][ranks[a] * n + ranks[b]]++;
                    }
                    ranks.Clear();
                }
                touched.Clear();
            }
        }
        if (documents == 0) throw new TopicEngineException("the reference corpus for coherence has no documents.");

        var perTopic = new double[topics];
        for (int t = 0; t < topics; t++)
        {
            int n = topTerms[t].Length;
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    sum += Npmi(single[t][i], single[t][j], joint[t][i * n + j], documents, epsilon);
                    pairs++;
                }
            perTopic[t] = pairs == 0 ? 0 : sum / pairs;
        }
        return new CoherenceResult(perTopic, topics == 0 ? 0 : perTopic.Average(), topTerms.Length == 0 ? 0 : topTerms.Max(x => x.Length), documents);
    }

    /// <summary>NPMI of one pair from document counts (see <see cref="Npmi(int[][], IBatchSource, double, int)"/>).</summary>
    internal static double Npmi(long countI, long countJ, long countIJ, int documents, double epsilon)
    {
        if (countI == 0 || countJ == 0) return -1;
        double pi = (double)countI / documents, pj = (double)countJ / documents, pij = (double)countIJ / documents;
        if (countIJ == documents) return 1;
        double npmi = Math.Log((pij + epsilon) / (pi * pj)) / -Math.Log(pij + epsilon);
        return Math.Clamp(npmi, -1, 1);
    }

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
