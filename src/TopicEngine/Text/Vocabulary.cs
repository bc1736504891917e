using System.Security.Cryptography;
using System.Text;

namespace TopicEngine.Text;

/// <summary>
/// Terms with stable ids 0..V−1, each with its document frequency (df: documents containing it)
/// and collection frequency (cf: total occurrences). Ids follow first appearance in the corpus
/// (documents in input order); pruning keeps that relative order and renumbers densely, so the
/// same input gives the same ids whatever the thread count. Look-ups by span do not allocate.
/// Reading from many threads is safe while nothing is being added.
/// </summary>
internal sealed class Vocabulary
{
    private readonly List<string> _terms = new();
    private readonly List<long> _df = new();
    private readonly List<long> _cf = new();
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;

    /// <summary>Creates an empty vocabulary.</summary>
    public Vocabulary() => _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Number of terms V.</summary>
    public int Count => _terms.Count;

    /// <summary>All terms, indexed by id.</summary>
    public IReadOnlyList<string> Terms => _terms;

    /// <summary>The term with id <paramref name="id"/>.</summary>
    public string Term(int id) => _terms[id];

    /// <summary>Documents containing term <paramref name="id"/>.</summary>
    public long DocumentFrequency(int id) => _df[id];

    /// <summary>Total occurrences of term <paramref name="id"/>.</summary>
    public long CollectionFrequency(int id) => _cf[id];

    /// <summary>Finds a term's id without allocating.</summary>
    public bool TryGetId(ReadOnlySpan<char> term, out int id) => _spanIds.TryGetValue(term, out id);

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

    /// <summary>Adds to the frequencies of an existing term.</summary>
    internal void AddFrequencies(int id, long df, long cf)
    {
        _df[id] += df;
        _cf[id] += cf;
    }

    /// <summary>
    /// The vocabulary that <paramref name="settings"/> keeps out of a corpus of
    /// <paramref name="documentCount"/> documents, ids renumbered densely in the old order, and
    /// <paramref name="oldToNew"/> mapping each old id to its new id or −1 when dropped.
    /// Throws <see cref="TopicEngineException"/> naming the flag to change when nothing is left.
    /// </summary>
    internal Vocabulary Prune(PruningSettings settings, long documentCount, out int[] oldToNew)
    {
        settings.Validate();
        double maxDocuments = settings.MaxDf * documentCount;
        var candidates = new List<int>(Count);
        int belowMin = 0, aboveMax = 0;
        for (int id = 0; id < Count; id++)
        {
            if (_df[id] < settings.MinDf) belowMin++;
            else if (_df[id] > maxDocuments) aboveMax++;
            else candidates.Add(id);
        }
        if (candidates.Count == 0)
            throw new TopicEngineException(Count == 0
                ? "the corpus has no terms at all (every document is empty after analysis); check the input, --text-field and --min-length"
                : $"vocabulary is empty after pruning: of {Count} terms, {belowMin} appear in fewer than --min-df {settings.MinDf} documents and {aboveMax} in more than --max-df {settings.MaxDf.ToString(System.Globalization.CultureInfo.InvariantCulture)} of {documentCount} documents; lower --min-df or raise --max-df");

        if (candidates.Count > settings.KeepN)
        {
            // Most frequent first: df descending, then cf descending, then first appearance.
            candidates.Sort((a, b) =>
            {
                int c = _df[b].CompareTo(_df[a]);
                if (c == 0) c = _cf[b].CompareTo(_cf[a]);
                return c != 0 ? c : a.CompareTo(b);
            });
            candidates.RemoveRange(settings.KeepN, candidates.Count - settings.KeepN);
            candidates.Sort();
        }

        oldToNew = new int[Count];
        Array.Fill(oldToNew, -1);
        var pruned = new Vocabulary();
        foreach (int id in candidates)
            oldToNew[id] = pruned.Add(_terms[id], _df[id], _cf[id]);
        return pruned;
    }

    /// <summary>A SHA-256 over the terms in id order (hex): equal fingerprints mean equal ids for every term.</summary>
    internal string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> separator = [(byte)'\n'];
        foreach (var term in _terms)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(term));
            hash.AppendData(separator);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
