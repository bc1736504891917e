using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;
using FSDirectory = Lucene.Net.Store.FSDirectory;

namespace TopicEngine.Corpus;

/// <summary>
/// A Lucene.Net index read as a corpus (<c>--format lucene --field F</c>): one document per live document, segment by
/// segment in document order, keyed by the stored <c>--id-field</c> (else by the document number). The field's terms
/// come from the first strategy that works (<see cref="ReaderOptions.LuceneRead"/> may force one):
/// <list type="number">
/// <item>its term vectors (a pre-counted document per index document);</item>
/// <item>its postings, inverted per segment in windows of documents (pre-counted, live documents only);</item>
/// <item>its stored text, yielded as text for the caller's analyzer.</item>
/// </list>
/// With term vectors or postings the index's own analysis made the tokens; the caller's vocabulary mapping still
/// applies (terms it does not know are dropped by <c>infer</c> and <c>update</c>). Which strategy ran is counted in
/// <see cref="ReadReport.DocumentsByType"/> as <c>lucene-term-vectors</c>, <c>lucene-postings</c> or <c>lucene-stored-text</c>,
/// so the prepare and fit summaries and corpus.json say it.
/// Term indexes are given out in order of first appearance and kept across passes; <see cref="TermName"/> may be called
/// from another thread than <see cref="Read"/>.
/// </summary>
internal sealed class LuceneIndexSource : CorpusSource
{
    /// <summary>Documents inverted together from a segment's postings: bounds memory to this many documents' bags.</summary>
    internal const int PostingsWindow = 65536;

    private readonly ReaderOptions _options;
    private readonly Dictionary<string, int> _termIndexes = new(StringComparer.Ordinal);
    private readonly List<string> _terms = new();
    private readonly Lock _termsLock = new();

    public LuceneIndexSource(string folder, ReaderOptions options) : base(folder, CorpusFormat.Lucene)
    {
        if (!IsIndex(folder)) throw new TopicEngineException($"{folder}: not a Lucene index (no segments_N file); --format lucene reads an index folder");
        _options = options;
    }

    public override string Description => $"{Path} (lucene, field {_options.TextField})";

    /// <summary>True when <paramref name="folder"/> holds a committed Lucene index.</summary>
    public static bool IsIndex(string folder) =>
        System.IO.Directory.Exists(folder) && System.IO.Directory.EnumerateFiles(folder, "segments_*").Any();

    /// <summary>The name used in <see cref="ReadReport.DocumentsByType"/> for a strategy.</summary>
    public static string StrategyName(LuceneReadStrategy strategy) => strategy switch
    {
        LuceneReadStrategy.TermVectors => "lucene-term-vectors",
        LuceneReadStrategy.Postings => "lucene-postings",
        LuceneReadStrategy.StoredText => "lucene-stored-text",
        _ => "lucene",
    };

    public override string TermName(int index)
    {
        lock (_termsLock) return _terms[index];
    }

    private int TermIndex(string term)
    {
        lock (_termsLock)
        {
            if (_termIndexes.TryGetValue(term, out int index)) return index;
            _termIndexes[term] = index = _terms.Count;
            _terms.Add(term);
            return index;
        }
    }

    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        using LuceneDirectory directory = FSDirectory.Open(new DirectoryInfo(Path));
        using var reader = OpenReader(directory);
        var strategy = Choose(reader);
        string type = StrategyName(strategy);
        var documents = strategy switch
        {
            LuceneReadStrategy.TermVectors => ReadTermVectors(reader, report),
            LuceneReadStrategy.Postings => ReadPostings(reader, report),
            _ => ReadStoredText(reader, report),
        };
        foreach (var document in documents)
        {
            report.Read(type);
            yield return document;
        }
    }

    private DirectoryReader OpenReader(LuceneDirectory directory)
    {
        try { return DirectoryReader.Open(directory); }
        catch (Exception e) when (e is IOException or IndexFormatTooOldException or IndexFormatTooNewException or CorruptIndexException)
        {
            throw new TopicEngineException($"{Path}: the Lucene index cannot be opened ({e.Message})", e);
        }
    }

    /// <summary>The strategy to read with: the forced one (refused when the field does not support it), else the first that works.</summary>
    internal LuceneReadStrategy Choose(IndexReader reader)
    {
        string field = _options.TextField;
        var info = MultiFields.GetMergedFieldInfos(reader).FieldInfo(field)
            ?? throw new TopicEngineException($"{Path}: the index has no field '{field}' (name it with --field)");
        bool vectors = info.HasVectors;
        bool postings = info.IsIndexed && info.IndexOptions >= IndexOptions.DOCS_AND_FREQS;
        return _options.LuceneRead switch
        {
            LuceneReadStrategy.Auto => vectors ? LuceneReadStrategy.TermVectors : postings ? LuceneReadStrategy.Postings : LuceneReadStrategy.StoredText,
            LuceneReadStrategy.TermVectors when !vectors => throw new TopicEngineException($"{Path}: field '{field}' has no term vectors (--lucene-read term-vectors)"),
            LuceneReadStrategy.Postings when !postings => throw new TopicEngineException($"{Path}: field '{field}' is not indexed with frequencies (--lucene-read postings)"),
            var forced => forced,
        };
    }

    /// <summary>The key of document <paramref name="doc"/> of a segment: its stored id, or its index-wide number without <c>--id-field</c>.</summary>
    private string? Key(AtomicReaderContext leaf, int doc, ReadReport report)
    {
        if (_options.IdField is not { } idField) return (leaf.DocBase + doc).ToString(CultureInfo.InvariantCulture);
        var stored = leaf.AtomicReader.Document(doc, new HashSet<string> { idField });
        string? key = stored.Get(idField);
        if (key is null) report.Bad(_options.OnError, $"{Path}: document {leaf.DocBase + doc} has no stored field '{idField}' (--id-field)");
        return key;
    }

    private IEnumerable<SourceDocument> ReadTermVectors(IndexReader reader, ReadReport report)
    {
        var indexes = new List<int>();
        var counts = new List<int>();
        foreach (var leaf in reader.Leaves)
        {
            var atomic = leaf.AtomicReader;
            var live = atomic.LiveDocs;
            for (int doc = 0; doc < atomic.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc)) continue;
                string? key = Key(leaf, doc, report);
                if (key is null) continue;
                indexes.Clear();
                counts.Clear();
                if (atomic.GetTermVector(doc, _options.TextField) is { } vector)
                {
                    var terms = vector.GetEnumerator();
                    while (terms.MoveNext())
                    {
                        indexes.Add(TermIndex(terms.Term.Utf8ToString()));
                        counts.Add(checked((int)terms.TotalTermFreq));   // within one document's vector: its frequency there
                    }
                }
                yield return SourceDocument.FromCounts(key, $"{Path} document {leaf.DocBase + doc}", indexes.ToArray(), counts.ToArray());
            }
        }
    }

    private IEnumerable<SourceDocument> ReadPostings(IndexReader reader, ReadReport report)
    {
        foreach (var leaf in reader.Leaves)
        {
            var atomic = leaf.AtomicReader;
            var live = atomic.LiveDocs;
            for (int start = 0; start < atomic.MaxDoc; start += PostingsWindow)
            {
                int end = Math.Min(atomic.MaxDoc, start + PostingsWindow);
                var bags = InvertWindow(atomic, live, start, end);
                for (int doc = start; doc < end; doc++)
                {
                    if (live is not null && !live.Get(doc)) continue;
                    string? key = Key(leaf, doc, report);
                    if (key is null) continue;
                    var bag = bags[doc - start];
                    var indexes = new int[bag?.Count / 2 ?? 0];
                    var counts = new int[indexes.Length];
                    for (int i = 0; i < indexes.Length; i++)
                    {
                        indexes[i] = bag![2 * i];
                        counts[i] = bag[2 * i + 1];
                    }
                    yield return SourceDocument.FromCounts(key, $"{Path} document {leaf.DocBase + doc}", indexes, counts);
                }
            }
        }
    }

    /// <summary>The (term index, frequency) pairs of the live documents start..end−1 of a segment, from its postings.</summary>
    private List<int>?[] InvertWindow(AtomicReader atomic, IBits? live, int start, int end)
    {
        var bags = new List<int>?[end - start];
        var terms = atomic.GetTerms(_options.TextField);
        if (terms is null) return bags;
        var termsEnum = terms.GetEnumerator();
        DocsEnum? docs = null;
        while (termsEnum.MoveNext())
        {
            int index = -1;
            docs = termsEnum.Docs(live, docs, DocsFlags.FREQS);   // live documents only
            int doc = start == 0 ? docs.NextDoc() : docs.Advance(start);
            for (; doc < end; doc = docs.NextDoc())
            {
                if (index < 0) index = TermIndex(termsEnum.Term.Utf8ToString());
                var bag = bags[doc - start] ??= new List<int>();
                bag.Add(index);
                bag.Add(docs.Freq);
            }
        }
        return bags;
    }

    private IEnumerable<SourceDocument> ReadStoredText(IndexReader reader, ReadReport report)
    {
        var fields = new HashSet<string> { _options.TextField };
        if (_options.IdField is { } idField) fields.Add(idField);
        bool anyStored = false;
        foreach (var leaf in reader.Leaves)
        {
            var atomic = leaf.AtomicReader;
            var live = atomic.LiveDocs;
            for (int doc = 0; doc < atomic.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc)) continue;
                var stored = atomic.Document(doc, fields);
                string? key = _options.IdField is { } id ? stored.Get(id) : (leaf.DocBase + doc).ToString(CultureInfo.InvariantCulture);
                if (key is null)
                {
                    report.Bad(_options.OnError, $"{Path}: document {leaf.DocBase + doc} has no stored field '{_options.IdField}' (--id-field)");
                    continue;
                }
                var values = stored.GetValues(_options.TextField);
                anyStored |= values.Length > 0;
                yield return SourceDocument.FromText(key, $"{Path} document {leaf.DocBase + doc}", string.Join('\n', values));
            }
        }
        if (!anyStored && reader.NumDocs > 0)
            throw new TopicEngineException($"{Path}: field '{_options.TextField}' has no term vectors, no postings with frequencies and no stored text; it cannot be read");
    }
}
