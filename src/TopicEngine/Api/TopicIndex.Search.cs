using System.Globalization;
using System.Text.Json;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using TopicEngine.Text;

namespace TopicEngine;

public static partial class TopicIndex
{
    /// <summary>
    /// Queries an index built or annotated by <see cref="BuildAsync"/> / <see cref="AnnotateAsync"/>: the live documents that
    /// have any keyword of <see cref="TopicSearchRequest.Query"/> (analysed as the index's text was) and, with
    /// <see cref="TopicSearchRequest.Topic"/>, that topic in <c>P_above</c>; ranked by keyword score, or with
    /// <see cref="TopicSearchRequest.LikeId"/> by the distance of their θ (read from binary doc values) to that document's;
    /// with <see cref="TopicSearchRequest.Facets"/> counted per topic from the sorted-set doc values, segment by segment.
    /// Reads the last commit; thread-safe (nothing is shared between calls).
    /// </summary>
    /// <exception cref="TopicEngineException">No index there, a query without searchable words, or a <c>--like</c> document that
    /// does not exist or has no topic fields.</exception>
    public static TopicSearchResults Search(string indexDirectory, TopicSearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(indexDirectory);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        using var directory = OpenExisting(indexDirectory);
        using var reader = DirectoryReader.Open(directory);
        var userData = reader.IndexCommit.UserData;
        string prefix = userData.TryGetValue(PrefixKey, out var p) ? p : new TopicEnricherOptions().TargetPrefix;
        string idField = userData.TryGetValue(IdFieldKey, out var i) ? i : new TopicIndexOptions().IdField;
        string textField = userData.TryGetValue(TextFieldKey, out var t) ? t : new TopicEnricherOptions().SourceFields[0];
        string[] words = userData.TryGetValue(TopicWordsKey, out var w) ? JsonSerializer.Deserialize<string[]>(w) ?? [] : [];
        string stamp = userData.TryGetValue(ModelKey, out var s) ? s : "";
        string WordsOf(int topic) => topic >= 0 && topic < words.Length ? words[topic] : "";
        var fields = new Fields(prefix + "_dominant", prefix + "_above", prefix + "_theta");

        var searcher = new IndexSearcher(reader);
        Query query = request.Query is { } text ? KeywordQuery(text, textField, RecordedAnalyzer(userData) ?? new AnalyzerSettings()) : new MatchAllDocsQuery();
        Filter? filter = request.Topic is { } topic
            ? new QueryWrapperFilter(new TermQuery(new Term(fields.Above, topic.ToString(CultureInfo.InvariantCulture)))) : null;

        float[]? like = request.LikeId is { } likeId ? Theta(searcher, reader, idField, likeId, fields.Theta) : null;
        var collector = new MatchCollector(fields, request.Facets, like, request.Distance);
        searcher.Search(query, filter, collector);

        List<(int Doc, double Score)> ranked;
        if (like is not null)
            ranked = collector.Distances.OrderBy(d => d.Distance).ThenBy(d => d.Doc).Take(request.Top).Select(d => (d.Doc, d.Distance)).ToList();
        else
            ranked = searcher.Search(query, filter, request.Top).ScoreDocs.Select(d => (d.Doc, (double)d.Score)).ToList();

        var hits = new List<TopicSearchHit>();
        var load = new HashSet<string> { idField, textField, fields.Dominant };
        foreach (var (doc, score) in ranked)
        {
            var stored = searcher.Doc(doc, load);
            int? dominant = int.TryParse(stored.Get(fields.Dominant), NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : null;
            hits.Add(new TopicSearchHit(stored.Get(idField) ?? doc.ToString(CultureInfo.InvariantCulture), score, dominant,
                dominant is { } k ? WordsOf(k) : "", Snippet(stored.Get(textField), request.SnippetLength)));
        }
        var facets = collector.Facets(WordsOf);
        return new TopicSearchResults(collector.Matches, hits, facets, stamp);
    }

    private sealed record Fields(string Dominant, string Above, string Theta);

    /// <summary>Any of the analysed words of <paramref name="text"/> in <paramref name="field"/>.</summary>
    private static Query KeywordQuery(string text, string field, AnalyzerSettings settings)
    {
        var query = new BooleanQuery();
        using var analyzer = new AnalysisChain(settings);
        using (var stream = analyzer.GetTokenStream(field, text))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (stream.IncrementToken())
            {
                string word = term.ToString();
                if (seen.Add(word)) query.Add(new TermQuery(new Term(field, word)), Occur.SHOULD);
            }
            stream.End();
        }
        if (query.Clauses.Count == 0) throw new TopicEngineException($"--query '{text}' has no searchable words after analysis (all stop words, numbers or too short)");
        return query;
    }

    /// <summary>θ of the live document whose id is <paramref name="id"/>.</summary>
    private static float[] Theta(IndexSearcher searcher, IndexReader reader, string idField, string id, string thetaField)
    {
        var found = searcher.Search(new TermQuery(new Term(idField, id)), 1).ScoreDocs;
        if (found.Length == 0) throw new TopicEngineException($"--like: no document has {idField} '{id}'");
        int doc = found[0].Doc;
        var leaf = reader.Leaves[ReaderUtil.SubIndex(doc, reader.Leaves)];
        var values = leaf.AtomicReader.GetBinaryDocValues(thetaField);
        var has = leaf.AtomicReader.GetDocsWithField(thetaField);
        if (values is null || has is null || !has.Get(doc - leaf.DocBase))
            throw new TopicEngineException($"--like: document '{id}' has no topic fields (run annotate)");
        var bytes = new BytesRef();
        values.Get(doc - leaf.DocBase, bytes);
        return TopicEnricher.DecodeTheta(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length));
    }

    private static string Snippet(string? text, int length)
    {
        if (string.IsNullOrEmpty(text) || length == 0) return "";
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= length ? collapsed : collapsed[..length] + "…";
    }

    /// <summary>
    /// Visits every matching live document once: counts it, adds its topics to the facet counts (sorted-set ordinals per
    /// segment, turned into labels when the segment ends) and, for <c>--like</c>, computes its θ's distance.
    /// </summary>
    private sealed class MatchCollector(Fields fields, bool facets, float[]? like, TopicDistance measure) : ICollector
    {
        private readonly SortedDictionary<int, (long Dominant, long Above)> _counts = new();
        private readonly BytesRef _scratch = new();
        private AtomicReaderContext? _leaf;
        private SortedSetDocValues? _dominant, _above;
        private long[]? _dominantOrds, _aboveOrds;
        private BinaryDocValues? _theta;
        private IBits? _hasTheta;
        private float[]? _thetaScratch;

        public long Matches { get; private set; }

        public List<(int Doc, double Distance)> Distances { get; } = new();

        public bool AcceptsDocsOutOfOrder => true;

        public void SetScorer(Scorer scorer) { }

        public void SetNextReader(AtomicReaderContext context)
        {
            Flush();
            _leaf = context;
            var atomic = context.AtomicReader;
            if (facets)
            {
                _dominant = atomic.GetSortedSetDocValues(fields.Dominant);
                _above = atomic.GetSortedSetDocValues(fields.Above);
                _dominantOrds = _dominant is null ? null : new long[_dominant.ValueCount];
                _aboveOrds = _above is null ? null : new long[_above.ValueCount];
            }
            if (like is not null)
            {
                _theta = atomic.GetBinaryDocValues(fields.Theta);
                _hasTheta = atomic.GetDocsWithField(fields.Theta);
            }
        }

        public void Collect(int doc)
        {
            Matches++;
            Count(_dominant, _dominantOrds, doc);
            Count(_above, _aboveOrds, doc);
            if (like is null || _theta is null || _hasTheta is null || !_hasTheta.Get(doc)) return;
            _theta.Get(doc, _scratch);
            int k = _scratch.Length / sizeof(float);
            _thetaScratch ??= new float[k];
            if (_thetaScratch.Length != k) _thetaScratch = new float[k];
            var bytes = _scratch.Bytes.AsSpan(_scratch.Offset, _scratch.Length);
            for (int i = 0; i < k; i++) _thetaScratch[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            Distances.Add((_leaf!.DocBase + doc, MixtureDistance.Compute(measure, like, _thetaScratch)));
        }

        private static void Count(SortedSetDocValues? values, long[]? ords, int doc)
        {
            if (values is null || ords is null) return;
            values.SetDocument(doc);
            for (long ord = values.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = values.NextOrd()) ords[ord]++;
        }

        /// <summary>Adds the finished segment's ordinal counts under their topic labels.</summary>
        private void Flush()
        {
            Add(_dominant, _dominantOrds, dominant: true);
            Add(_above, _aboveOrds, dominant: false);
            _dominant = _above = null;
            _dominantOrds = _aboveOrds = null;
        }

        private void Add(SortedSetDocValues? values, long[]? ords, bool dominant)
        {
            if (values is null || ords is null) return;
            for (long ord = 0; ord < ords.Length; ord++)
            {
                if (ords[ord] == 0) continue;
                values.LookupOrd(ord, _scratch);
                if (!int.TryParse(_scratch.Utf8ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int topic)) continue;
                var (d, a) = _counts.GetValueOrDefault(topic);
                _counts[topic] = dominant ? (d + ords[ord], a) : (d, a + ords[ord]);
            }
        }

        public IReadOnlyList<TopicFacet> Facets(Func<int, string> words)
        {
            Flush();
            return _counts.Select(c => new TopicFacet(c.Key, c.Value.Dominant, c.Value.Above, words(c.Key))).ToList();
        }
    }
}
