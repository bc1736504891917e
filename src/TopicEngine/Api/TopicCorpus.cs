using System.Globalization;
using System.Text;
using TopicEngine.Corpus;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine;

/// <summary>How <see cref="TopicCorpus.PrepareAsync"/> analyses and prunes (<c>topic-engine prepare</c>'s flags).</summary>
public sealed record CorpusOptions
{
    /// <summary>How text becomes terms (<c>--language</c>, <c>--stem</c>, <c>--ngrams</c>, <c>--min-length</c>).</summary>
    public AnalyzerSettings Analyzer { get; init; } = new();

    /// <summary>Which terms the vocabulary keeps (<c>--min-df</c>, <c>--max-df</c>, <c>--keep-n</c>).</summary>
    public PruningSettings Pruning { get; init; } = new();

    /// <summary>Analysis threads; 0 means all cores (<c>--threads</c>).</summary>
    public int Threads { get; init; }

    /// <summary>Documents read and analysed together (<c>prepare --batch-size</c>; bounds memory).</summary>
    public int ChunkDocuments { get; init; } = CorpusPreparer.DefaultChunkDocuments;
}

/// <summary>
/// The public corpus preparer: analyses raw input once (Lucene analysis chain, vocabulary with df/cf, pruning) into a
/// prepared folder (<c>corpus.bin</c>, <c>vocabulary.parquet</c>, <c>corpus.json</c>) that fits read without analysing
/// again, in bounded memory; opens such folders; and exports them as UCI bag-of-words for other tools.
/// </summary>
public static class TopicCorpus
{
    /// <summary>
    /// Prepares <paramref name="input"/> into <paramref name="outputDirectory"/>, written whole or not at all. The embedded
    /// default corpus gets its documentation boilerplate added to the stop words.
    /// </summary>
    /// <exception cref="TopicEngineException">A missing input, a record that does not parse (named by file and line), an empty
    /// corpus or a vocabulary pruned to nothing.</exception>
    public static async Task<CorpusSummary> PrepareAsync(CorpusInput input, string outputDirectory, CorpusOptions? options = null,
        IProgress<PrepareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (input.PreparedDirectory is not null) throw new TopicEngineException("the input is already a prepared corpus; give --input instead of --corpus");
        options ??= new CorpusOptions();
        var preparer = new CorpusPreparer(input.AnalyzerFor(options.Analyzer), options.Pruning, options.Threads, options.ChunkDocuments);
        var result = await preparer.PrepareAsync(input.OpenSources(), outputDirectory, progress, cancellationToken);
        return Summarise(result.Directory, result.Manifest, PreparedCorpus.IsPreCountedManifest(result.Manifest), result.Elapsed, result.SkipExamples);
    }

    /// <summary>Reads a prepared folder's <c>corpus.json</c> (and checks the folder is complete).</summary>
    /// <exception cref="TopicEngineException">The folder is missing, incomplete or of another format version.</exception>
    public static CorpusSummary Open(string preparedDirectory)
    {
        var corpus = PreparedCorpus.Open(preparedDirectory);
        return Summarise(corpus.Directory, corpus.Manifest, corpus.IsPreCounted, TimeSpan.Zero, []);
    }

    /// <summary>
    /// Writes the prepared corpus as UCI bag-of-words: <c>docword.txt</c> (D, V, non-zeros, then <c>doc term count</c> lines,
    /// 1-based ids) and <c>vocab.txt</c> (one term per line), each atomically, so other tools (gensim, scikit-learn, MALLET)
    /// fit exactly the documents and vocabulary TopicEngine saw.
    /// </summary>
    public static async Task<CorpusSummary> ExportUciAsync(string preparedDirectory, string outputDirectory, CancellationToken cancellationToken = default)
    {
        var prepared = PreparedCorpus.Open(preparedDirectory);
        System.IO.Directory.CreateDirectory(outputDirectory);
        long nonZeros = prepared.Manifest.NonZeros;   // the UCI header needs it before the body
        await AtomicFile.WriteAsync(Path.Combine(outputDirectory, "docword.txt"), async (stream, token) =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{prepared.DocumentCount}\n{prepared.VocabularySize}\n{nonZeros}\n"));
            int doc = 0;
            var line = new StringBuilder();
            foreach (var batch in prepared.ReadBatches(4096))
                for (int d = 0; d < batch.DocumentCount; d++)
                {
                    doc++;
                    var terms = batch.DocumentTerms(d);
                    var counts = batch.DocumentCounts(d);
                    line.Clear();
                    for (int i = 0; i < terms.Length; i++)
                        line.Append(CultureInfo.InvariantCulture, $"{doc} {terms[i] + 1} {counts[i]:R}\n");
                    await writer.WriteAsync(line, token);
                }
        }, cancellationToken);
        await AtomicFile.WriteAsync(Path.Combine(outputDirectory, "vocab.txt"), async (stream, token) =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            for (int i = 0; i < prepared.VocabularySize; i++)
                await writer.WriteAsync(prepared.Vocabulary.Term(i) + "\n");
        }, cancellationToken);
        return Summarise(prepared.Directory, prepared.Manifest, prepared.IsPreCounted, TimeSpan.Zero, []);
    }

    /// <summary>Deletes a folder and everything in it, ignoring a folder that is already gone or busy (temporary
    /// preparations).</summary>
    public static void DeleteQuietly(string directory) => AtomicFile.TryDeleteDirectory(directory);

    private static CorpusSummary Summarise(string directory, CorpusManifest m, bool preCounted, TimeSpan elapsed, IReadOnlyList<string> skipExamples) =>
        new(directory, m.Documents, m.Tokens, m.NonZeros, m.VocabularySize, m.TokensBeforePruning, m.VocabularySizeBeforePruning,
            m.EmptyDocuments, m.SkippedRecords, m.Latin1Files, preCounted)
        {
            Elapsed = elapsed,
            SkipExamples = skipExamples,
            DocumentsByType = m.DocumentsByType,
            SkipsByReason = m.SkipsByReason,
            AttachmentsRead = m.AttachmentsRead,
            AttachmentsSkipped = m.AttachmentsSkipped,
        };
}
