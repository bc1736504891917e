using TopicEngine.Text;

namespace TopicEngine.Corpus;

/// <summary>
/// Counts NEW documents against an EXISTING vocabulary (for <c>infer</c>, <c>update</c>, the API):
/// text is analysed with the model's <see cref="TextAnalyzer"/> on all cores, terms map to the
/// vocabulary's ids, and terms the vocabulary lacks are dropped from the batch. When asked, those
/// unknown terms are tallied with their document and collection frequencies, which is what
/// <c>update --grow-vocab</c> needs to decide which new words to add. Pre-counted documents
/// (UCI, LDA-C) map by term name.
/// Not thread-safe itself (one builder per caller); it parallelises internally.
/// </summary>
internal sealed class BatchBuilder
{
    private readonly Vocabulary _vocabulary;
    private readonly DocumentCounter _counter;
    private readonly Dictionary<string, (long Df, long Cf)>? _unknown;

    public BatchBuilder(TextAnalyzer analyzer, Vocabulary vocabulary, bool collectUnknown = false, int threads = 0)
    {
        _vocabulary = vocabulary;
        _counter = new DocumentCounter(analyzer, vocabulary, collectUnknown, threads);
        if (collectUnknown) _unknown = new(StringComparer.Ordinal);
    }

    /// <summary>Tokens seen in all documents built so far (known and unknown).</summary>
    public long Tokens { get; private set; }

    /// <summary>Tokens dropped because their term is not in the vocabulary.</summary>
    public long UnknownTokens { get; private set; }

    /// <summary>Terms not in the vocabulary with their df and cf over the documents built so far (empty unless collecting).</summary>
    public IReadOnlyDictionary<string, (long Df, long Cf)> UnknownTerms => _unknown ?? new Dictionary<string, (long Df, long Cf)>();

    /// <summary>One batch from documents given as (key, text), in order.</summary>
    public SparseBatch Build(IReadOnlyList<(string Key, string Text)> documents) =>
        Build(documents.Select(d => SourceDocument.FromText(d.Key, d.Key, d.Text)).ToList(), source: null);

    /// <summary>Batches of <paramref name="batchSize"/> documents from a reader, streaming.</summary>
    public IEnumerable<SparseBatch> Batches(CorpusSource source, int batchSize, ReadReport report)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        var pending = new List<SourceDocument>(batchSize);
        foreach (var document in source.Read(report))
        {
            pending.Add(document);
            if (pending.Count == batchSize)
            {
                yield return Build(pending, source);
                pending.Clear();
            }
        }
        if (pending.Count > 0) yield return Build(pending, source);
    }

    private SparseBatch Build(IReadOnlyList<SourceDocument> documents, CorpusSource? source)
    {
        var counted = _counter.Count(documents);
        var keys = new string[documents.Count];
        var offsets = new int[documents.Count + 1];
        var ids = new List<int>();
        var counts = new List<float>();
        for (int d = 0; d < documents.Count; d++)
        {
            keys[d] = documents[d].Key;
            if (counted[d] is { } c)
            {
                ids.AddRange(c.Ids);
                foreach (int n in c.Counts) counts.Add(n);
                Tokens += c.Tokens;
                UnknownTokens += c.UnknownTokens;
                foreach (var (term, n) in c.Unknown)
                {
                    var (df, cf) = _unknown!.GetValueOrDefault(term);
                    _unknown![term] = (df + 1, cf + n);
                }
            }
            else
            {
                AddCounted(documents[d], source!, ids, counts);
            }
            offsets[d + 1] = ids.Count;
        }
        return new SparseBatch(keys, offsets, ids.ToArray(), counts.ToArray());
    }

    private void AddCounted(SourceDocument document, CorpusSource source, List<int> ids, List<float> counts)
    {
        var bag = new SortedDictionary<int, int>();
        for (int j = 0; j < document.TermIndexes!.Length; j++)
        {
            string term = source.TermName(document.TermIndexes[j]);
            int n = document.Counts![j];
            Tokens += n;
            if (_vocabulary.TryGetId(term, out int id)) bag[id] = bag.GetValueOrDefault(id) + n;
            else
            {
                UnknownTokens += n;
                if (_unknown is not null)
                {
                    var (df, cf) = _unknown.GetValueOrDefault(term);
                    _unknown[term] = (df + 1, cf + n);
                }
            }
        }
        foreach (var (id, n) in bag)
        {
            ids.Add(id);
            counts.Add(n);
        }
    }
}
