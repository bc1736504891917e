namespace TopicEngine.Evaluation;

/// <summary>
/// Minimum-cost one-to-one assignment of rows to columns of a square cost matrix (Kuhn–Munkres,
/// the O(n³) potentials form). Used to match learned topics to true or peer topics.
/// </summary>
internal static class HungarianAssignment
{
    /// <summary>Returns, for each row i, the column assigned to it; Σ cost[i, result[i]] is minimal.</summary>
    public static int[] Solve(double[,] cost)
    {
        int n = cost.GetLength(0);
        if (cost.GetLength(1) != n) throw new ArgumentException("cost must be square.", nameof(cost));
        // 1-based potentials u (rows), v (columns); p[j] = row matched to column j; way[j] = previous column on the path
        var u = new double[n + 1];
        var v = new double[n + 1];
        var p = new int[n + 1];
        var way = new int[n + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            var minv = new double[n + 1];
            var used = new bool[n + 1];
            Array.Fill(minv, double.PositiveInfinity);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    double reduced = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (reduced < minv[j]) { minv[j] = reduced; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= n; j++)
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var assignment = new int[n];
        for (int j = 1; j <= n; j++) assignment[p[j] - 1] = j - 1;
        return assignment;
    }

    /// <summary>
    /// Matches the rows of <paramref name="truth"/> (K×V) to rows of <paramref name="learned"/> (K×V) maximising
    /// total cosine similarity; returns, per true topic, the matched learned topic and the cosine.
    /// </summary>
    public static (int Learned, double Cosine)[] MatchByCosine(ReadOnlySpan<float> truth, ReadOnlySpan<float> learned, int topics, int vocabularySize)
    {
        var cosine = new double[topics, topics];
        for (int a = 0; a < topics; a++)
            for (int b = 0; b < topics; b++)
            {
                var x = truth.Slice(a * vocabularySize, vocabularySize);
                var y = learned.Slice(b * vocabularySize, vocabularySize);
                double dot = 0, xx = 0, yy = 0;
                for (int w = 0; w < vocabularySize; w++) { dot += (double)x[w] * y[w]; xx += (double)x[w] * x[w]; yy += (double)y[w] * y[w]; }
                cosine[a, b] = xx > 0 && yy > 0 ? dot / Math.Sqrt(xx * yy) : 0;
            }
        var cost = new double[topics, topics];
        for (int a = 0; a < topics; a++)
            for (int b = 0; b < topics; b++) cost[a, b] = -cosine[a, b];
        var assignment = Solve(cost);
        return assignment.Select((b, a) => (b, cosine[a, b])).ToArray();
    }
}
