using System.Runtime.InteropServices;

namespace TopicEngine.Text;

/// <summary>
/// A reusable per-thread buffer that counts one document's terms against a
/// <see cref="Vocabulary"/> that nobody is adding to meanwhile. Known terms are counted in a
/// dense array indexed by id (touched ids remembered, so clearing costs only what was used);
/// unknown terms, when collected, in a small dictionary looked up by span (a string is made only
/// the first time an unknown term appears in the document).
/// </summary>
internal sealed class TermCounter : ITermSink
{
    private readonly Vocabulary _vocabulary;
    private readonly bool _collectUnknown;
    private int[] _counts = [];                 // counts[id] for known ids; zero outside _touched
    private readonly List<int> _touched = new();
    private readonly Dictionary<string, int> _unknown = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _unknownLookup;

    public TermCounter(Vocabulary vocabulary, bool collectUnknown)
    {
        _vocabulary = vocabulary;
        _collectUnknown = collectUnknown;
        _unknownLookup = _unknown.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Tokens counted (known and unknown) since <see cref="Clear"/>.</summary>
    public long Tokens { get; private set; }

    /// <summary>Tokens whose term is not in the vocabulary since <see cref="Clear"/>.</summary>
    public long UnknownTokens { get; private set; }

    /// <summary>Distinct known terms counted.</summary>
    public int DistinctKnown => _touched.Count;

    /// <summary>Unknown terms and their counts (empty unless collecting).</summary>
    public IReadOnlyDictionary<string, int> Unknown => _unknown;

    public void Clear()
    {
        foreach (int id in _touched) _counts[id] = 0;
        _touched.Clear();
        _unknown.Clear();
        Tokens = 0;
        UnknownTokens = 0;
    }

    public void Add(ReadOnlySpan<char> term)
    {
        Tokens++;
        if (_vocabulary.TryGetId(term, out int id))
        {
            CountKnown(id, 1);
            return;
        }
        UnknownTokens++;
        if (_collectUnknown)
            CollectionsMarshal.GetValueRefOrAddDefault(_unknownLookup, term, out _)++;
    }

    /// <summary>Counts <paramref name="count"/> occurrences of a known id (pre-counted input).</summary>
    public void AddId(int id, int count)
    {
        Tokens += count;
        CountKnown(id, count);
    }

    private void CountKnown(int id, int count)
    {
        if (id >= _counts.Length) Array.Resize(ref _counts, Math.Max(id + 1, Math.Max(_vocabulary.Count, _counts.Length * 2)));
        if (_counts[id] == 0) _touched.Add(id);
        _counts[id] += count;
    }

    /// <summary>Counts <paramref name="count"/> occurrences of a term given as a string (pre-counted input).</summary>
    public void AddTerm(string term, int count)
    {
        Tokens += count;
        if (_vocabulary.TryGetId(term, out int id)) { CountKnown(id, count); return; }
        UnknownTokens += count;
        if (_collectUnknown) CollectionsMarshal.GetValueRefOrAddDefault(_unknown, term, out _) += count;
    }

    /// <summary>Known ids in ascending order with their counts; the spans must hold <see cref="DistinctKnown"/> entries.</summary>
    public void CopyKnown(Span<int> ids, Span<int> counts)
    {
        _touched.Sort();
        for (int i = 0; i < _touched.Count; i++)
        {
            ids[i] = _touched[i];
            counts[i] = _counts[_touched[i]];
        }
    }
}
