using System.Collections.Concurrent;
using System.Diagnostics;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine.Corpus;

/// <summary>
/// Turns corpus sources into a prepared corpus folder: <c>corpus.bin</c> (see
/// <see cref="CorpusFile"/>), <c>vocabulary.parquet</c> and <c>corpus.json</c>.
/// <para>
/// One analysis pass: a reader thread fills chunks of documents; each chunk is analysed on all
/// cores against the vocabulary so far (read-only meanwhile); then, on one thread and in input
/// order, terms the chunk met for the first time get the next ids, frequencies are added and each
/// document is appended to a temporary counted file. Ids therefore follow first appearance
/// whatever the thread count. Pruning then renumbers the kept terms (keeping their order), and a
/// second, cheap pass over the temporary file (no text analysis) writes <c>corpus.bin</c>.
/// Memory holds the vocabulary and a few chunks, never the corpus.
/// </para>
/// Everything is written into a temporary folder beside the target, renamed into place at the
/// end; on failure the temporary folder is removed and nothing is left behind.
/// </summary>
internal sealed class CorpusPreparer
{
    /// <summary>Documents analysed together by default (<c>--batch-size</c>): enough to keep every core busy.</summary>
    public const int DefaultChunkDocuments = 2048;
    private const long ChunkCharacters = 16L << 20;

    private readonly AnalyzerSettings _analyzer;
    private readonly PruningSettings _pruning;
    private readonly int _threads;
    private readonly int _chunkDocuments;

    /// <param name="analyzer">How text becomes terms.</param>
    /// <param name="pruning">Which terms the vocabulary keeps.</param>
    /// <param name="threads">Analysis threads; 0 uses every core.</param>
    /// <param name="chunkDocuments">Documents read and analysed together (at most 16 M characters a chunk); bounds memory.</param>
    public CorpusPreparer(AnalyzerSettings analyzer, PruningSettings pruning, int threads = 0, int chunkDocuments = DefaultChunkDocuments)
    {
        analyzer.Validate();
        pruning.Validate();
        if (chunkDocuments < 1) throw new TopicEngineException($"--batch-size must be at least 1, not {chunkDocuments}");
        _chunkDocuments = chunkDocuments;
        _analyzer = analyzer;
        _pruning = pruning;
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
    }

    public async Task<PrepareResult> PrepareAsync(IReadOnlyList<CorpusSource> sources, string outputDirectory,
        IProgress<PrepareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (sources.Count == 0) throw new TopicEngineException("no input to prepare; pass --input");
        string target = Path.GetFullPath(outputDirectory);
        CheckTarget(target);
        var clock = Stopwatch.StartNew();
        PrepareResult? result = null;
        await VersionedDirectory.PublishAsync(target, async (temp, ct) =>
        {
            var report = new ReadReport();
            var vocabulary = new Vocabulary();
            string rawPath = Path.Combine(temp, "unpruned.bin");
            long tokensBefore;
            using (var raw = new CorpusFileWriter(rawPath))
            {
                await Task.Run(() => Analyse(sources, vocabulary, raw, report, clock, progress, ct), ct);
                raw.Complete(vocabulary.Count);
                tokensBefore = raw.Tokens;
                if (raw.Documents == 0)
                    throw new TopicEngineException(report.Skipped > 0
                        ? $"the corpus is empty: all {report.Skipped} records were skipped (first: {report.Examples[0]})"
                        : $"the corpus is empty: no documents in {string.Join(", ", sources.Select(s => s.Path))}");
            }

            progress?.Report(new PrepareProgress("pruning", 0, 0, clock.Elapsed));
            long documents = CorpusFile.ReadHeader(rawPath).Documents;
            var pruned = vocabulary.Prune(_pruning, documents, out int[] oldToNew);

            CorpusFileWriter final;
            using (final = new CorpusFileWriter(Path.Combine(temp, CorpusFile.FileName)))
            {
                Remap(rawPath, oldToNew, final, clock, progress, ct);
                final.Complete(pruned.Count);
            }
            File.Delete(rawPath);

            await VocabularyFile.WriteAsync(pruned, Path.Combine(temp, VocabularyFile.FileName), ct);
            var manifest = new CorpusManifest
            {
                Created = DateTimeOffset.UtcNow,
                Analyzer = _analyzer,
                Pruning = _pruning,
                Documents = final.Documents,
                EmptyDocuments = final.EmptyDocuments,
                Tokens = final.Tokens,
                TokensBeforePruning = tokensBefore,
                NonZeros = final.NonZeros,
                VocabularySize = pruned.Count,
                VocabularySizeBeforePruning = vocabulary.Count,
                VocabularyFingerprint = pruned.Fingerprint(),
                SkippedRecords = report.Skipped,
                Latin1Files = report.Latin1Files,
                DocumentsByType = new SortedDictionary<string, long>(report.DocumentsByType, StringComparer.Ordinal),
                SkipsByReason = new SortedDictionary<string, long>(report.SkipsByReason, StringComparer.Ordinal),
                AttachmentsRead = report.AttachmentsRead,
                AttachmentsSkipped = report.AttachmentsSkipped,
                Sources = sources.Select(s => new CorpusSourceInfo(s.Path, s.Format.ToString().ToLowerInvariant(), s.Description)).ToList(),
            };
            manifest.Write(Path.Combine(temp, CorpusManifest.FileName));
            result = new PrepareResult(target, manifest, clock.Elapsed) { SkipExamples = report.Examples };
        }, PreparedCorpus.FlatFiles, cancellationToken);
        return result!;
    }

    /// <summary>The target may be absent, empty, or an earlier prepared corpus (replaced); anything else is refused.</summary>
    private static void CheckTarget(string target)
    {
        if (File.Exists(target)) throw new TopicEngineException($"--out '{target}' is a file; name a folder");
        if (!VersionedDirectory.IsOursOrEmpty(target, CorpusManifest.FileName))
            throw new TopicEngineException($"--out '{target}' exists and is not a prepared corpus; choose another folder or empty it");
    }

    private sealed record Chunk(CorpusSource Source, List<SourceDocument> Documents);

    private void Analyse(IReadOnlyList<CorpusSource> sources, Vocabulary vocabulary, CorpusFileWriter raw, ReadReport report,
        Stopwatch clock, IProgress<PrepareProgress>? progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var chunks = new BlockingCollection<Chunk>(boundedCapacity: 2);
        var reader = Task.Run(() =>
        {
            try { ReadChunks(sources, report, chunks, stop.Token); }
            finally { chunks.CompleteAdding(); }
        });

        using var analyzer = new TextAnalyzer(_analyzer);
        var counter = new DocumentCounter(analyzer, vocabulary, collectUnknown: true, _threads, stop.Token);
        var maps = new Dictionary<CorpusSource, List<int>>();
        var ids = new List<int>();
        var counts = new List<int>();
        try
        {
            foreach (var chunk in chunks.GetConsumingEnumerable(stop.Token))
            {
                var counted = counter.Count(chunk.Documents);   // parallel; vocabulary read-only
                var map = SourceMap(chunk.Source, vocabulary, maps);
                for (int i = 0; i < chunk.Documents.Count; i++)  // sequential, input order
                {
                    var document = chunk.Documents[i];
                    ids.Clear();
                    counts.Clear();
                    if (counted[i] is { } c)
                    {
                        ids.AddRange(c.Ids);
                        counts.AddRange(c.Counts);
                        foreach (var (term, n) in c.Unknown)
                        {
                            ids.Add(vocabulary.Add(term));
                            counts.Add(n);
                        }
                    }
                    else
                    {
                        AddCounted(document, chunk.Source, vocabulary, map, ids, counts);
                    }
                    WriteDocument(document.Key, ids, counts, vocabulary, raw);
                }
                progress?.Report(new PrepareProgress("analysing", raw.Documents, raw.Tokens, clock.Elapsed));
            }
        }
        catch
        {
            stop.Cancel();
            try { reader.Wait(); } catch (AggregateException) { }
            throw;
        }
        reader.GetAwaiter().GetResult();   // surfaces a reader's error (bad file, bad record)
    }

    private void ReadChunks(IReadOnlyList<CorpusSource> sources, ReadReport report, BlockingCollection<Chunk> chunks, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            var documents = new List<SourceDocument>();
            long characters = 0;
            foreach (var document in source.Read(report))
            {
                documents.Add(document);
                characters += document.Text?.Length ?? document.TermIndexes!.Length;
                if (documents.Count >= _chunkDocuments || characters >= ChunkCharacters)
                {
                    chunks.Add(new Chunk(source, documents), cancellationToken);
                    documents = new List<SourceDocument>();
                    characters = 0;
                }
            }
            if (documents.Count > 0) chunks.Add(new Chunk(source, documents), cancellationToken);
        }
    }

    /// <summary>
    /// Source index → vocabulary id for a pre-counted source. A source with its own vocabulary
    /// file has all its terms added up front, so their ids keep the file's order.
    /// </summary>
    private static List<int> SourceMap(CorpusSource source, Vocabulary vocabulary, Dictionary<CorpusSource, List<int>> maps)
    {
        if (maps.TryGetValue(source, out var map)) return map;
        map = new List<int>();
        if (source.DeclaredTerms is { } terms)
            foreach (var term in terms) map.Add(vocabulary.Add(term));
        maps[source] = map;
        return map;
    }

    private static void AddCounted(SourceDocument document, CorpusSource source, Vocabulary vocabulary, List<int> map, List<int> ids, List<int> counts)
    {
        var indexes = document.TermIndexes!;
        for (int j = 0; j < indexes.Length; j++)
        {
            int index = indexes[j];
            while (map.Count <= index) map.Add(-1);
            if (map[index] < 0) map[index] = vocabulary.Add(source.TermName(index));
            ids.Add(map[index]);
            counts.Add(document.Counts![j]);
        }
    }

    /// <summary>Sorts by id, merges repeated ids, adds df/cf and appends the document.</summary>
    private static void WriteDocument(string key, List<int> ids, List<int> counts, Vocabulary vocabulary, CorpusFileWriter raw)
    {
        var idSpan = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids);
        var countSpan = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(counts);
        idSpan.Sort(countSpan);
        int n = 0;
        for (int i = 0; i < idSpan.Length; i++)
        {
            if (n > 0 && idSpan[n - 1] == idSpan[i]) { countSpan[n - 1] += countSpan[i]; continue; }
            idSpan[n] = idSpan[i];
            countSpan[n] = countSpan[i];
            n++;
        }
        for (int i = 0; i < n; i++) vocabulary.AddFrequencies(idSpan[i], 1, countSpan[i]);
        raw.Write(key, idSpan[..n], countSpan[..n]);
    }

    /// <summary>Copies the unpruned file into the final one with pruned ids (the map keeps order, so ids stay ascending).</summary>
    private static void Remap(string rawPath, int[] oldToNew, CorpusFileWriter final, Stopwatch clock, IProgress<PrepareProgress>? progress, CancellationToken cancellationToken)
    {
        using var reader = new CorpusFileReader(rawPath);
        var ids = new List<int>();
        var counts = new List<int>();
        var keptIds = new List<int>();
        var keptCounts = new List<int>();
        while (reader.TryRead(out string key, ids, counts))
        {
            keptIds.Clear();
            keptCounts.Clear();
            for (int i = 0; i < ids.Count; i++)
            {
                int id = oldToNew[ids[i]];
                if (id < 0) continue;
                keptIds.Add(id);
                keptCounts.Add(counts[i]);
            }
            final.Write(key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keptIds), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keptCounts));
            if (final.Documents % 65536 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new PrepareProgress("writing", final.Documents, final.Tokens, clock.Elapsed));
            }
        }
    }
}
