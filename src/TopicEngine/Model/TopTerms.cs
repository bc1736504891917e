namespace TopicEngine.Model;

/// <summary>One of a topic's most probable terms: E[β_kw] = λ_kw / Σ_w' λ_kw' and the raw λ_kw.
/// <see cref="Rank"/> starts at 1 for the most probable term.</summary>
internal readonly record struct TopicTerm(int Topic, int Rank, int TermId, float Probability, float Lambda);

/// <summary>The most probable terms of every topic, from λ.</summary>
internal static class TopTerms
{
    /// <summary>
    /// For each topic k, its <paramref name="top"/> terms (all V when null) in descending E[β_kw]
    /// (ties: lower term id first). λ is V×K, term-major. Cost O(V·K·log top).
    /// </summary>
    public static TopicTerm[][] Compute(ReadOnlySpan<float> lambda, int topics, int vocabularySize, int? top)
    {
        if (lambda.Length != (long)topics * vocabularySize) throw new ArgumentException("lambda must hold V×K floats.", nameof(lambda));
        int n = Math.Min(top ?? vocabularySize, vocabularySize);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(top));

        // One walk of λ in its own term-major order gives the row sums Σ_w λ_kw (in double) and feeds one min-heap per topic
        // of the best n so far, whose root is the weakest (smallest λ, then largest id). (A topic at a time walked λ's
        // columns, K strided passes over V×K floats: 12 → 8 ms at K = 100, V = 20,913.) Terms arrive in increasing id, so a
        // term enters a full heap only with a larger λ than the root's: an equal λ keeps the lower id already there.
        var rowSums = new double[topics];
        var comparer = Comparer<(float Value, int Id)>.Create((a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : b.Id.CompareTo(a.Id));
        var heaps = new PriorityQueue<int, (float Value, int Id)>[topics];
        for (int k = 0; k < topics; k++) heaps[k] = new PriorityQueue<int, (float Value, int Id)>(n + 1, comparer);
        for (int w = 0; w < vocabularySize; w++)
        {
            var row = lambda.Slice(w * topics, topics);
            for (int k = 0; k < topics; k++)
            {
                rowSums[k] += row[k];
                var heap = heaps[k];
                if (heap.Count < n) heap.Enqueue(w, (row[k], w));
                else if (heap.TryPeek(out _, out var root) && row[k] > root.Value) heap.EnqueueDequeue(w, (row[k], w));
            }
        }

        var result = new TopicTerm[topics][];
        for (int k = 0; k < topics; k++)
        {
            var heap = heaps[k];
            var terms = new TopicTerm[heap.Count];
            for (int i = terms.Length - 1; i >= 0; i--)
            {
                heap.TryDequeue(out int w, out var priority);
                terms[i] = new TopicTerm(k, i + 1, w, (float)(priority.Value / rowSums[k]), priority.Value);
            }
            result[k] = terms;
        }
        return result;
    }
}
