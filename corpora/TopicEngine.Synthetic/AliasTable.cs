namespace TopicEngine.Synthetic;

/// <summary>
/// Walker/Vose alias tables for many discrete distributions of the same size n, packed in two flat
/// arrays (row r owns entries r·n … r·n+n−1): a draw costs one uniform integer and one uniform
/// double, whatever n is. Used for the K topic-word distributions (K×V) and per-document θ.
/// </summary>
internal sealed class AliasTable
{
    private readonly float[] _threshold; // rows × n: keep column i with this probability, else take _alias
    private readonly int[] _alias;       // rows × n

    public AliasTable(int rows, int size)
    {
        Rows = rows;
        Size = size;
        _threshold = new float[checked(rows * size)];
        _alias = new int[rows * size];
    }

    public int Rows { get; }
    public int Size { get; }

    /// <summary>Builds row <paramref name="row"/> from probabilities that sum to (about) 1.
    /// <paramref name="small"/> and <paramref name="large"/> are scratch of length n.</summary>
    public void Build(int row, ReadOnlySpan<float> probabilities, Span<int> small, Span<int> large, Span<double> scaled)
    {
        int n = Size;
        var threshold = _threshold.AsSpan(row * n, n);
        var alias = _alias.AsSpan(row * n, n);
        double total = 0;
        for (int i = 0; i < n; i++) total += probabilities[i];
        int ns = 0, nl = 0, lastLarge = -1;
        for (int i = 0; i < n; i++)
        {
            scaled[i] = probabilities[i] * n / total;
            if (scaled[i] < 1) small[ns++] = i; else large[nl++] = i;
        }
        while (ns > 0 && nl > 0)
        {
            int s = small[--ns], l = large[--nl];
            lastLarge = l;
            threshold[s] = (float)scaled[s];
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            if (scaled[l] < 1) small[ns++] = l; else large[nl++] = l;
        }
        // What is left is 1 up to rounding; a leftover "small" keeps its own share and sends the
        // rest to the last large column, so a zero-probability column is never drawn.
        while (nl > 0) { int l = large[--nl]; threshold[l] = 1; alias[l] = l; }
        while (ns > 0) { int s = small[--ns]; threshold[s] = (float)scaled[s]; alias[s] = lastLarge >= 0 ? lastLarge : s; }
    }

    /// <summary>Draws an index from row <paramref name="row"/>.</summary>
    public int Sample(int row, ref SyntheticRandom random)
    {
        int i = random.NextInt(Size);
        int at = row * Size + i;
        return random.NextDouble() < _threshold[at] ? i : _alias[at];
    }
}
