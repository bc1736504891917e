namespace TopicEngine.Text;

/// <summary>
/// Terms with stable ids 0..V−1, each with its document frequency (df: documents containing it)
/// and collection frequency (cf: total occurrences). Ids follow first appearance unless pruning
/// renumbers them. Look-ups by span do not allocate.
/// </summary>
public sealed class Vocabulary
{
    private readonly List<string> _terms = new();
    private readonly List<long> _df = new();
    private readonly List<long> _cf = new();
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    /// <summary>Number of terms V.</summary>
    public int Count => _terms.Count;

    /// <summary>The term with id <paramref name="id"/>.</summary>
    public string Term(int id) => _terms[id];

    /// <summary>Documents containing term <paramref name="id"/>.</summary>
    public long DocumentFrequency(int id) => _df[id];

    /// <summary>Total occurrences of term <paramref name="id"/>.</summary>
    public long CollectionFrequency(int id) => _cf[id];

    /// <summary>Finds a term's id without allocating.</summary>
    public bool TryGetId(ReadOnlySpan<char> term, out int id) =>
        _ids.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(term, out id);

    /// <summary>Finds a term's id.</summary>
    public bool TryGetId(string term, out int id) => _ids.TryGetValue(term, out id);

    /// <summary>Adds a term (or returns its existing id) and adds to its frequencies.</summary>
    public int Add(string term, long df = 0, long cf = 0)
    {
        if (!_ids.TryGetValue(term, out int id))
        {
            id = _terms.Count;
            _ids.Add(term, id);
            _terms.Add(term);
            _df.Add(0);
            _cf.Add(0);
        }
        _df[id] += df;
        _cf[id] += cf;
        return id;
    }
}
