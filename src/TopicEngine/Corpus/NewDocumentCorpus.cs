using System.Globalization;
using TopicEngine.Text;

namespace TopicEngine.Corpus;

/// <summary>
/// New documents counted against an existing model's vocabulary into a <see cref="CorpusFile"/>
/// (<c>corpus.bin</c> format) in a working folder, then read back as an <see cref="IBatchSource"/>
/// any number of times: what <c>update</c> trains on. Memory holds one batch of documents and the
/// tally of unknown terms, never the corpus.
/// <para>Without vocabulary growth: one pass (<see cref="BatchBuilder"/> drops unknown terms).
/// With growth: a first pass tallies the terms the vocabulary lacks (df, cf over the new documents),
/// <see cref="ChooseNewTerms"/> picks those that pass the pruning settings and appends them, ids after
/// the existing ones (existing ids never change), and a second pass counts against the grown vocabulary.</para>
/// </summary>
internal sealed class NewDocumentCorpus : IBatchSource
{
    private readonly string _path;

    private NewDocumentCorpus(string path, CorpusFile.Header header, Vocabulary vocabulary, int newTerms, ReadReport report)
    {
        _path = path;
        DocumentCount = checked((int)header.Documents);
        TokenCount = header.Tokens;
        Vocabulary = vocabulary;
        NewTerms = newTerms;
        Report = report;
    }

    public int DocumentCount { get; }

    public long TokenCount { get; }

    public int VocabularySize => Vocabulary.Count;

    /// <summary>The vocabulary the ids index: the model's terms, then the <see cref="NewTerms"/> added ones;
    /// df/cf include the new documents.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Terms appended to the model's vocabulary (0 without growth).</summary>
    public int NewTerms { get; }

    /// <summary>Records skipped under <c>--on-error skip</c> (in the counting pass).</summary>
    public long SkippedRecords => Report.Skipped;

    /// <summary>What the readers read and skipped in the counting pass (documents per type, skips per reason).</summary>
    public ReadReport Report { get; }

    public IEnumerable<SparseBatch> ReadBatches(int batchSize)
    {
        using var reader = new CorpusFileReader(_path);
        foreach (var batch in reader.ReadBatches(batchSize))
            yield return batch;
    }

    /// <summary>
    /// Counts <paramref name="sources"/> against <paramref name="vocabulary"/> (not modified) into
    /// <paramref name="workingDirectory"/>/corpus.bin. <paramref name="analyzer"/> null means the model was
    /// fitted on pre-counted input: then only pre-counted sources (UCI, LDA-C) are accepted, matched by term name.
    /// With <paramref name="grow"/> given, new terms are chosen by those pruning settings (see <see cref="ChooseNewTerms"/>),
    /// their document frequency judged against <paramref name="modelDocuments"/> (the documents the model has seen, its D)
    /// plus the new ones.
    /// </summary>
    public static NewDocumentCorpus Count(IReadOnlyList<CorpusSource> sources, Vocabulary vocabulary, AnalyzerSettings? analyzer,
        string workingDirectory, PruningSettings? grow, int threads = 0, CancellationToken cancellationToken = default, long modelDocuments = 0)
    {
        if (sources.Count == 0) throw new TopicEngineException("no new documents: pass --input");
        if (analyzer is null && sources.FirstOrDefault(s => s.Format is not (CorpusFormat.Uci or CorpusFormat.Ldac)) is { } text)
            throw new TopicEngineException($"{text.Path}: the model was fitted on pre-counted input (model.json has no analyzer settings), so new documents must be pre-counted too: give --input in uci or ldac format with the model's term names");
        using var textAnalyzer = new TextAnalyzer(analyzer ?? new AnalyzerSettings());

        var grown = Copy(vocabulary);
        int newTerms = 0;
        if (grow is not null)
        {
            var tally = new BatchBuilder(textAnalyzer, vocabulary, collectUnknown: true, threads);
            long documents = 0;
            var report = new ReadReport();
            foreach (var source in sources)
                foreach (var batch in tally.Batches(source, CorpusPreparer.DefaultChunkDocuments, report))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    documents += batch.DocumentCount;
                }
            foreach (var term in ChooseNewTerms(tally.UnknownTerms, modelDocuments + documents, vocabulary.Count, grow))
                grown.Add(term);
            newTerms = grown.Count - vocabulary.Count;
        }

        Directory.CreateDirectory(workingDirectory);
        string path = Path.Combine(workingDirectory, CorpusFile.FileName);
        var builder = new BatchBuilder(textAnalyzer, grown, collectUnknown: false, threads);
        var readReport = new ReadReport();
        var ids = new List<int>();
        var counts = new List<int>();
        using (var writer = new CorpusFileWriter(path))
        {
            foreach (var source in sources)
                foreach (var batch in builder.Batches(source, CorpusPreparer.DefaultChunkDocuments, readReport))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (int d = 0; d < batch.DocumentCount; d++)
                    {
                        ids.Clear();
                        counts.Clear();
                        var terms = batch.DocumentTerms(d);
                        var values = batch.DocumentCounts(d);
                        for (int i = 0; i < terms.Length; i++)
                        {
                            int n = (int)values[i];
                            ids.Add(terms[i]);
                            counts.Add(n);
                            grown.AddFrequencies(terms[i], 1, n);
                        }
                        writer.Write(batch.Keys[d], System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids),
                            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(counts));
                    }
                }
            if (writer.Documents == 0)
                throw new TopicEngineException($"no new documents in {string.Join(", ", sources.Select(s => s.Path))}{(readReport.Skipped > 0 ? $" (all {readReport.Skipped} records were skipped)" : "")}");
            writer.Complete(grown.Count);
        }
        return new NewDocumentCorpus(path, CorpusFile.ReadHeader(path), grown, newTerms, readReport);
    }

    /// <summary>
    /// The unknown terms to add, in the order their ids are given: document frequency in the new data at least
    /// MinDf and at most MaxDf × <paramref name="documents"/>, where <paramref name="documents"/> counts every document
    /// the model has seen plus the new ones (a term unknown to the model has df 0 in the old ones, so judging it against
    /// the new documents alone would shut out the very word that defines them); at most KeepN − <paramref name="existingTerms"/> of them
    /// (KeepN caps the whole vocabulary, as in <c>prepare</c>), the most frequent first (df, then cf, descending,
    /// ties by ordinal term order, so the result does not depend on reading order or threads).
    /// </summary>
    public static IReadOnlyList<string> ChooseNewTerms(IReadOnlyDictionary<string, (long Df, long Cf)> unknown, long documents,
        int existingTerms, PruningSettings pruning)
    {
        pruning.Validate();
        double maxDocuments = pruning.MaxDf * documents;
        int room = Math.Max(0, pruning.KeepN - existingTerms);
        return unknown.Where(u => u.Value.Df >= pruning.MinDf && u.Value.Df <= maxDocuments)
            .OrderByDescending(u => u.Value.Df).ThenByDescending(u => u.Value.Cf).ThenBy(u => u.Key, StringComparer.Ordinal)
            .Take(room).Select(u => u.Key).ToList();
    }

    private static Vocabulary Copy(Vocabulary vocabulary)
    {
        var copy = new Vocabulary();
        for (int id = 0; id < vocabulary.Count; id++)
            if (copy.Add(vocabulary.Term(id), vocabulary.DocumentFrequency(id), vocabulary.CollectionFrequency(id)) != id)
                throw new TopicEngineException(string.Create(CultureInfo.InvariantCulture, $"the model's vocabulary lists the term '{vocabulary.Term(id)}' twice (id {id})"));
        return copy;
    }
}
