namespace TopicEngine.Corpus;

/// <summary>A small counted corpus held in memory: tests, held-out sets and API calls.</summary>
internal sealed class InMemoryCorpus : IBatchSource
{
    private readonly List<(string Key, int[] Terms, float[] Counts)> _documents = new();

    public InMemoryCorpus(int vocabularySize) => VocabularySize = vocabularySize;

    public int DocumentCount => _documents.Count;
    public long TokenCount { get; private set; }
    public int VocabularySize { get; }

    /// <summary>Adds a document given as parallel arrays of distinct term ids and positive counts.</summary>
    public void Add(string key, int[] terms, float[] counts)
    {
        _documents.Add((key, terms, counts));
        foreach (var c in counts) TokenCount += (long)c;
    }

    /// <summary>Adds a document given as a list of token ids (repeats are counted).</summary>
    public void AddTokens(string key, IEnumerable<int> tokens)
    {
        var bag = new SortedDictionary<int, float>();
        foreach (var t in tokens) bag[t] = bag.GetValueOrDefault(t) + 1;
        Add(key, bag.Keys.ToArray(), bag.Values.ToArray());
    }

    public IEnumerable<SparseBatch> ReadBatches(int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        for (int start = 0; start < _documents.Count; start += batchSize)
            yield return Slice(start, Math.Min(batchSize, _documents.Count - start));
    }

    /// <summary>Documents [start, start+count) as one batch.</summary>
    public SparseBatch Slice(int start, int count)
    {
        var keys = new string[count];
        var offsets = new int[count + 1];
        int nnz = 0;
        for (int i = 0; i < count; i++) nnz += _documents[start + i].Terms.Length;
        var ids = new int[nnz];
        var cts = new float[nnz];
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            var (key, terms, counts) = _documents[start + i];
            keys[i] = key;
            terms.CopyTo(ids, at);
            counts.CopyTo(cts, at);
            at += terms.Length;
            offsets[i + 1] = at;
        }
        return new SparseBatch(keys, offsets, ids, cts);
    }
}
