using System.Runtime.InteropServices;
using System.Text.Json;
using TopicEngine.Corpus;
using TopicEngine.Text;

namespace TopicEngine.Evaluation;

/// <summary>
/// The co-occurrence counts the three coherence measures need, from one pass over a reference corpus: whole documents
/// (UMass), and, when the reference keeps word order, boolean sliding windows of <see cref="NpmiWindow"/> tokens (NPMI) and
/// <see cref="CvWindow"/> tokens (C_V) — gensim's defaults, from Röder et al. 2015. A bag-of-words reference (a prepared
/// corpus, UCI, LDA-C) has no order: then NPMI and C_V are counted over documents too, and
/// <see cref="SlidingWindows"/> is false.
/// </summary>
/// <param name="Documents">Counts over documents.</param>
/// <param name="NpmiCounts">Counts for NPMI: windows of 10, or documents.</param>
/// <param name="CvCounts">Counts for C_V: windows of 110, or documents.</param>
/// <param name="SlidingWindows">True when NPMI and C_V were counted over sliding windows.</param>
internal sealed record ReferenceCounts(CoOccurrenceCounts Documents, CoOccurrenceCounts NpmiCounts, CoOccurrenceCounts CvCounts, bool SlidingWindows)
{
    /// <summary>Window size of gensim's <c>c_npmi</c>.</summary>
    public const int NpmiWindow = 10;

    /// <summary>Window size of gensim's <c>c_v</c> (Röder et al. 2015).</summary>
    public const int CvWindow = 110;

    private const int ChunkDocuments = 512;

    /// <summary>Counts over a bag-of-words corpus: every measure on document co-occurrence.</summary>
    public static ReferenceCounts FromBagOfWords(int[][] topTerms, IBatchSource reference)
    {
        var documents = TopicCoherence.CountDocuments(topTerms, reference);
        return new ReferenceCounts(documents, documents, documents, SlidingWindows: false);
    }

    /// <summary>
    /// Counts over raw documents analysed with <paramref name="analyzer"/>, in order: every token the analyzer emits takes a
    /// window position (terms the vocabulary pruned too, as in gensim's <c>texts</c>). <paramref name="termName"/> names the
    /// top terms' ids. Pre-counted sources (UCI, LDA-C) have no order: with any of them, all measures use documents.
    /// <paramref name="tokensOut"/>, when given, receives every document's tokens as one JSON array per line (what
    /// gensim's <c>CoherenceModel(texts=...)</c> must be given to score the same documents).
    /// </summary>
    public static ReferenceCounts FromText(IReadOnlyList<CorpusSource> sources, AnalyzerSettings analyzer, int[][] topTerms,
        Func<int, string> termName, int threads, TextWriter? tokensOut = null, CancellationToken cancellationToken = default)
    {
        bool ordered = sources.All(s => s.Format is not (CorpusFormat.Uci or CorpusFormat.Ldac));
        var documents = new CoOccurrenceCounts(topTerms);
        var npmi = ordered ? new CoOccurrenceCounts(topTerms) : documents;
        var cv = ordered ? new CoOccurrenceCounts(topTerms) : documents;
        var npmiWindows = new SlidingWindows(npmi, NpmiWindow);
        var cvWindows = new SlidingWindows(cv, CvWindow);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < documents.RelevantTerms.Count; i++) byName[termName(documents.RelevantTerms[i])] = i;

        using var textAnalyzer = new TextAnalyzer(analyzer);
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = threads > 0 ? threads : -1 };
        var report = new ReadReport();
        var chunk = new List<SourceDocument>(ChunkDocuments);
        var present = new List<int>();
        var seen = new bool[documents.RelevantTerms.Count];
        foreach (var source in sources)
        {
            foreach (var document in source.Read(report))
            {
                chunk.Add(document);
                if (chunk.Count == ChunkDocuments) Flush(source);
            }
            Flush(source);
        }
        return new ReferenceCounts(documents, npmi, cv, ordered);

        void Flush(CorpusSource source)
        {
            if (chunk.Count == 0) return;
            var tokens = new int[chunk.Count][];
            var terms = tokensOut is null ? null : new List<string>[chunk.Count];
            Parallel.For(0, chunk.Count, parallel, d =>
            {
                var sink = new RelevantSink(byName.GetAlternateLookup<ReadOnlySpan<char>>(), terms is null ? null : terms[d] = new List<string>());
                if (chunk[d].Text is { } text) textAnalyzer.Analyze(text, sink);
                else
                {
                    var indexes = chunk[d].TermIndexes!;
                    for (int j = 0; j < indexes.Length; j++)
                        for (int c = 0; c < chunk[d].Counts![j]; c++) sink.Add(source.TermName(indexes[j]));
                }
                tokens[d] = [.. sink.Tokens];
            });
            for (int d = 0; d < chunk.Count; d++)
            {
                present.Clear();
                foreach (int w in tokens[d])
                    if (w >= 0 && !seen[w]) { seen[w] = true; present.Add(w); }
                foreach (int w in present) seen[w] = false;
                documents.Add(CollectionsMarshal.AsSpan(present));
                if (ordered)
                {
                    npmiWindows.AddDocument(tokens[d]);
                    cvWindows.AddDocument(tokens[d]);
                }
                if (tokensOut is not null) tokensOut.WriteLine(JsonSerializer.Serialize(terms![d]));
            }
            cancellationToken.ThrowIfCancellationRequested();
            chunk.Clear();
        }
    }

    /// <summary>Maps each analysed token to its relevant index (−1 for any other term), optionally keeping the token.</summary>
    private readonly struct RelevantSink(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, List<string>? terms) : ITermSink
    {
        public List<int> Tokens { get; } = new();

        public void Add(ReadOnlySpan<char> term)
        {
            Tokens.Add(lookup.TryGetValue(term, out int index) ? index : -1);
            terms?.Add(term.ToString());
        }
    }
}
