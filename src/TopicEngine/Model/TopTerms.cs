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

        // Row sums Σ_w λ_kw, in double.
        var rowSums = new double[topics];
        for (int w = 0; w < vocabularySize; w++)
        {
            var row = lambda.Slice(w * topics, topics);
            for (int k = 0; k < topics; k++) rowSums[k] += row[k];
        }

        // One min-heap per topic of the best n so far: the root is the weakest (smallest λ, then largest id). λ is walked
        // once in its own term-major order, every topic's heap fed from each row (a topic at a time walked λ's columns, K
        // strided passes over V×K floats: 12 → 8 ms at K = 100, V = 20,913). Each heap sees its topic's terms in increasing
        // id, so the result is the same, and an equal λ never displaces a term already kept.
        var comparer = Comparer<(float Value, int Id)>.Create((a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : b.Id.CompareTo(a.Id));
        var heaps = new PriorityQueue<int, (float Value, int Id)>[topics];
        for (int k = 0; k < topics; k++) heaps[k] = new PriorityQueue<int, (float Value, int Id)>(n + 1, comparer);
        var weakest = new float[topics];   // the root's λ once a heap is full: a smaller value cannot enter
        for (int w = 0; w < vocabularySize && n > 0; w++)
        {
            var row = lambda.Slice(w * topics, topics);
            for (int k = 0; k < topics; k++)
            {
                float value = row[k];
                var heap = heaps[k];
                if (heap.Count < n)
                {
                    heap.Enqueue(w, (value, w));
                    if (heap.Count == n) { heap.TryPeek(out _, out var root); weakest[k] = root.Value; }
                }
                else if (value >= weakest[k])
                {
                    heap.TryPeek(out _, out var root);
                    if (value > root.Value || (value == root.Value && w < root.Id))
                    {
                        heap.EnqueueDequeue(w, (value, w));
                        heap.TryPeek(out _, out root);
                        weakest[k] = root.Value;
                    }
                }
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
