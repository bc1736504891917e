namespace TopicEngine.Evaluation;

/// <summary>
/// The intertopic distance map of LDAvis (Sievert &amp; Shirley 2014): the Jensen–Shannon divergence between every two
/// topic-word distributions, then classical multidimensional scaling (principal coordinates, Gower 1966) to two
/// dimensions, so that topics with similar words lie close together.
/// </summary>
internal static class IntertopicMap
{
    /// <summary>
    /// <see cref="Divergence.JensenShannon"/> (natural log, in [0, ln 2]) for every pair of rows of
    /// <paramref name="topicWord"/> (K×V topic-major, rows summing to 1). Returns K×K, symmetric, zero diagonal.
    /// </summary>
    public static double[,] JensenShannon(ReadOnlySpan<float> topicWord, int topics, int vocabularySize)
    {
        if (topicWord.Length != (long)topics * vocabularySize) throw new ArgumentException("topicWord must be K×V.", nameof(topicWord));
        var d = new double[topics, topics];
        for (int a = 0; a < topics; a++)
        {
            var p = topicWord.Slice(a * vocabularySize, vocabularySize);
            for (int b = a + 1; b < topics; b++)
                d[a, b] = d[b, a] = Divergence.JensenShannon(p, topicWord.Slice(b * vocabularySize, vocabularySize));
        }
        return d;
    }

    /// <summary>
    /// Classical MDS of a K×K distance matrix to two coordinates per point: B = −½ J D⁽²⁾ J (J = I − 11ᵀ/K), whose two
    /// largest eigenpairs (λ, v) give the coordinates v·√λ (0 where λ ≤ 0). Eigenpairs by power iteration on B + cI
    /// (c bounds every eigenvalue's magnitude, so the largest one dominates) with deflation; deterministic.
    /// </summary>
    public static (double X, double Y)[] ClassicalScaling(double[,] distances)
    {
        int n = distances.GetLength(0);
        if (n == 0) return [];
        if (n == 1) return [(0, 0)];
        var b = new double[n, n];
        var rowMeans = new double[n];
        double grand = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) rowMeans[i] += distances[i, j] * distances[i, j];
            grand += rowMeans[i];
            rowMeans[i] /= n;
        }
        grand /= (double)n * n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                b[i, j] = -0.5 * (distances[i, j] * distances[i, j] - rowMeans[i] - rowMeans[j] + grand);

        double shift = 0;   // Gershgorin: every eigenvalue of B lies in [−shift, shift]
        for (int i = 0; i < n; i++)
        {
            double row = 0;
            for (int j = 0; j < n; j++) row += Math.Abs(b[i, j]);
            shift = Math.Max(shift, row);
        }
        var coordinates = new (double X, double Y)[n];
        var found = new List<double[]>();
        for (int axis = 0; axis < 2; axis++)
        {
            var (value, vector) = LargestEigenpair(b, shift, found);
            found.Add(vector);
            double scale = value > 0 ? Math.Sqrt(value) : 0;
            for (int i = 0; i < n; i++)
                coordinates[i] = axis == 0 ? (vector[i] * scale, 0) : (coordinates[i].X, vector[i] * scale);
        }
        return coordinates;
    }

    /// <summary>The largest eigenvalue of symmetric <paramref name="b"/> and its unit eigenvector, orthogonal to <paramref name="exclude"/>.</summary>
    private static (double Value, double[] Vector) LargestEigenpair(double[,] b, double shift, List<double[]> exclude)
    {
        int n = b.GetLength(0);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 1 + 0.01 * i + (i % 3) * 0.1;   // fixed start, not orthogonal to anything simple
        var next = new double[n];
        for (int iteration = 0; iteration < 2000; iteration++)
        {
            Orthogonalise(v, exclude);
            Normalise(v);
            for (int i = 0; i < n; i++)
            {
                double s = shift * v[i];
                for (int j = 0; j < n; j++) s += b[i, j] * v[j];
                next[i] = s;
            }
            Orthogonalise(next, exclude);
            double norm = Math.Sqrt(next.Sum(x => x * x));
            if (norm == 0) return (0, v);
            double change = 0;
            for (int i = 0; i < n; i++) { double x = next[i] / norm; change += Math.Abs(x - v[i]); v[i] = x; }
            if (change < 1e-12 * n) break;
        }
        // Rayleigh quotient for the eigenvalue of B itself; the sign of the vector fixed so its largest entry is positive
        double rayleigh = 0;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += b[i, j] * v[j];
            rayleigh += v[i] * s;
        }
        int largest = 0;
        for (int i = 1; i < n; i++) if (Math.Abs(v[i]) > Math.Abs(v[largest])) largest = i;
        if (v[largest] < 0) for (int i = 0; i < n; i++) v[i] = -v[i];
        return (rayleigh, v);
    }

    private static void Orthogonalise(double[] v, List<double[]> basis)
    {
        foreach (var u in basis)
        {
            double dot = 0;
            for (int i = 0; i < v.Length; i++) dot += v[i] * u[i];
            for (int i = 0; i < v.Length; i++) v[i] -= dot * u[i];
        }
    }

    private static void Normalise(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        if (norm > 0) for (int i = 0; i < v.Length; i++) v[i] /= norm;
    }
}
