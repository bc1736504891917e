namespace TopicEngine.Evaluation;

/// <summary>
/// Boolean occurrence counts of topics' top terms over "virtual documents" (whole documents for UMass, sliding windows
/// for NPMI and C_V; Röder et al. 2015, §3.2): N, the virtual documents counted; N(w), those containing term w; and for
/// every pair of top terms of the same topic N(wi, wj), those containing both. A virtual document is handed in as the
/// distinct relevant terms it contains (indexes into <see cref="RelevantTerms"/>), with a weight (how many consecutive
/// windows share that set). Integer sums only, so the order documents arrive in does not change the result.
/// </summary>
internal sealed class CoOccurrenceCounts
{
    private readonly int[][] _topTerms;
    private readonly (int Topic, int Rank)[][] _membership;   // relevant index → the (topic, rank) places it holds
    private readonly long[] _single;                          // relevant index → N(w)
    private readonly long[][] _joint;                         // topic → n×n, [i*n + j] for i < j: N(wi, wj)
    private readonly List<int>[] _present;                    // scratch: topic → ranks present in the current document
    private readonly List<int> _touched = new();

    /// <param name="topTerms">Each topic's top term ids (any id space), most probable first.</param>
    public CoOccurrenceCounts(int[][] topTerms)
    {
        _topTerms = topTerms;
        var index = new Dictionary<int, int>();
        var places = new List<List<(int, int)>>();
        for (int t = 0; t < topTerms.Length; t++)
            for (int r = 0; r < topTerms[t].Length; r++)
            {
                if (!index.TryGetValue(topTerms[t][r], out int i))
                {
                    index[topTerms[t][r]] = i = places.Count;
                    places.Add([]);
                }
                places[i].Add((t, r));
            }
        RelevantIndex = index;
        RelevantTerms = [.. index.OrderBy(p => p.Value).Select(p => p.Key)];
        _membership = [.. places.Select(p => p.ToArray())];
        _single = new long[places.Count];
        _joint = [.. topTerms.Select(top => new long[top.Length * top.Length])];
        _present = [.. topTerms.Select(top => new List<int>(top.Length))];
    }

    /// <summary>The distinct top terms of all topics, in first-seen order; a virtual document names them by position here.</summary>
    public IReadOnlyList<int> RelevantTerms { get; }

    /// <summary>Term id → its position in <see cref="RelevantTerms"/>.</summary>
    public IReadOnlyDictionary<int, int> RelevantIndex { get; }

    /// <summary>The topics' top terms this counts for.</summary>
    public int[][] TopTerms => _topTerms;

    /// <summary>N: virtual documents counted (empty ones included).</summary>
    public long Documents { get; private set; }

    /// <summary>Adds <paramref name="weight"/> virtual documents that each contain exactly the distinct relevant terms
    /// <paramref name="present"/> (indexes into <see cref="RelevantTerms"/>, no repeats).</summary>
    public void Add(ReadOnlySpan<int> present, long weight = 1)
    {
        if (weight <= 0) return;
        Documents += weight;
        foreach (int w in present)
        {
            _single[w] += weight;
            foreach (var (t, r) in _membership[w])
            {
                if (_present[t].Count == 0) _touched.Add(t);
                _present[t].Add(r);
            }
        }
        foreach (int t in _touched)
        {
            var ranks = _present[t];
            int n = _topTerms[t].Length;
            var joint = _joint[t];
            for (int a = 0; a < ranks.Count; a++)
                for (int b = 0; b < ranks.Count; b++)
                    if (ranks[a] < ranks[b]) joint[ranks[a] * n + ranks[b]] += weight;
            ranks.Clear();
        }
        _touched.Clear();
    }

    /// <summary>N(w) for the term at rank <paramref name="rank"/> of topic <paramref name="topic"/>.</summary>
    public long Count(int topic, int rank) => _single[RelevantIndex[_topTerms[topic][rank]]];

    /// <summary>N(wi, wj) for two ranks of one topic (symmetric; i = j gives N(wi)).</summary>
    public long Joint(int topic, int i, int j)
    {
        if (i == j) return Count(topic, i);
        int n = _topTerms[topic].Length;
        return i < j ? _joint[topic][i * n + j] : _joint[topic][j * n + i];
    }
}
