using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using TopicEngine.Corpus;
using TopicEngine.Text;
using FSDirectory = Lucene.Net.Store.FSDirectory;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace TopicEngine;

/// <summary>
/// Lucene.Net indexes with topic fields (<c>topic-engine index</c>, <c>annotate</c>, <c>search</c>): build one from any
/// input a command reads, add or refresh the topic fields of an existing one, and query one by keyword, topic and likeness.
/// Text fields are analysed with the model's analyzer, so an index built here is read back as a corpus
/// (<c>--format lucene</c>) with the tokens the model knows. Every commit holds each document with complete topic fields
/// or none: documents are enriched before they are added, and a killed run leaves the last commit (re-running completes it).
/// The commit data records the model stamp, the analyzer settings, the field names and each topic's top words for
/// <see cref="Search"/>.
/// </summary>
public static partial class TopicIndex
{
    internal const string ModelKey = "topicengine.model";
    internal const string AnalyzerKey = "topicengine.analyzer";
    internal const string PrefixKey = "topicengine.prefix";
    internal const string IdFieldKey = "topicengine.id_field";
    internal const string TextFieldKey = "topicengine.text_field";
    internal const string TopicWordsKey = "topicengine.topic_words";

    /// <summary>RAM the index writer buffers before flushing a segment.</summary>
    private const double WriterBufferMegabytes = 64;

    /// <summary>
    /// Builds a new index in <paramref name="indexDirectory"/> (replacing an index there, at the final commit only) from the text
    /// documents of <paramref name="input"/>: each document has its key in the id field (stored, not analysed), its text in the
    /// first source field (analysed with the model's analyzer, stored, with term vectors) and, unless
    /// <see cref="TopicIndexOptions.Topics"/> is false, the topic fields of <see cref="TopicEnricher"/>. Reading and inference
    /// of the next batch overlap the writing of the previous one. One commit, at the end.
    /// </summary>
    /// <exception cref="TopicEngineException">Bad input, pre-counted input (no text to index), or a document that cannot be
    /// enriched under the fail policy.</exception>
    public static async Task<TopicIndexReport> BuildAsync(TopicModel model, CorpusInput input, string indexDirectory,
        TopicIndexOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indexDirectory);
        options ??= new TopicIndexOptions();
        options.Validate();
        if (input.PreparedDirectory is not null) throw new TopicEngineException("index needs --input with text (a prepared corpus holds counts only)");
        string target = Path.GetFullPath(indexDirectory);
        if (File.Exists(target)) throw new TopicEngineException($"--index '{target}' is a file; name a folder");
        if (System.IO.Directory.Exists(target) && !System.IO.Directory.EnumerateFileSystemEntries(target).All(IsLuceneFile))
            throw new TopicEngineException($"--index '{target}' exists and is not a Lucene index; choose another folder or empty it");
        var sources = input.OpenSources();
        var enricher = options.Topics ? new TopicEnricher(model, options.Enricher) : null;
        string textField = options.Enricher.SourceFields[0];
        var clock = Stopwatch.StartNew();
        long documents = 0;
        await Task.Run(() =>
        {
            System.IO.Directory.CreateDirectory(target);
            using LuceneDirectory directory = FSDirectory.Open(new DirectoryInfo(target));
            using var analyzer = new AnalysisChain(model.Analyzer);
            var config = new IndexWriterConfig(AnalysisChain.Version, analyzer) { OpenMode = OpenMode.CREATE, RAMBufferSizeMB = WriterBufferMegabytes };
            using var writer = new IndexWriter(directory, config);
            using var batches = new BlockingCollection<List<Document>>(boundedCapacity: 2);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var producer = Task.Run(() =>
            {
                try { Produce(sources, options, textField, enricher, batches, stop.Token); }
                finally { batches.CompleteAdding(); }
            });
            try
            {
                foreach (var batch in batches.GetConsumingEnumerable(stop.Token))
                {
                    foreach (var document in batch) writer.AddDocument(document);
                    documents += batch.Count;
                }
                producer.GetAwaiter().GetResult();   // a reader's or the enricher's error
            }
            catch
            {
                stop.Cancel();
                try { producer.Wait(); } catch (AggregateException) { }
                writer.Rollback();   // nothing of this run is committed
                throw;
            }
            if (documents == 0) throw new TopicEngineException($"no documents to index in {string.Join(", ", sources.Select(s => s.Path))}");
            writer.SetCommitData(CommitData(model, options, textField, enricher is not null));
            writer.Commit();
        }, cancellationToken);
        return new TopicIndexReport(target, documents, enricher?.Enriched ?? 0, enricher?.Skipped ?? 0, documents, clock.Elapsed, enricher?.ModelStamp ?? "");
    }

    /// <summary>Reads the sources into batches of documents, enriched, in input order.</summary>
    private static void Produce(IReadOnlyList<CorpusSource> sources, TopicIndexOptions options, string textField, TopicEnricher? enricher,
        BlockingCollection<List<Document>> batches, CancellationToken cancellationToken)
    {
        var report = new ReadReport();
        var textType = TextFieldType();
        var analysedType = AnalysedTextFieldType();
        int size = options.Enricher.BatchSize;
        var batch = new List<Document>(size);
        var captures = new List<CapturedTokens>(size);
        void Flush()
        {
            if (enricher is not null)
            {
                // The analysis made for inference is indexed as it is: the text is analysed once, not twice.
                while (captures.Count < batch.Count) captures.Add(new CapturedTokens());
                if (captures.Count > batch.Count) captures.RemoveRange(batch.Count, captures.Count - batch.Count);
                enricher.Enrich(batch, captures);
                for (int i = 0; i < batch.Count; i++)
                {
                    if (batch[i].GetField(enricher.DominantField) is null) continue;   // skipped: Lucene analyses the text itself
                    string text = batch[i].Get(textField);
                    batch[i].RemoveFields(textField);
                    batch[i].Add(new StoredField(textField, text));
                    batch[i].Add(new Field(textField, captures[i], analysedType));
                }
                captures = new List<CapturedTokens>(size);
            }
            batches.Add(batch, cancellationToken);
            batch = new List<Document>(size);
        }
        foreach (var source in sources)
            foreach (var item in source.Read(report))
            {
                if (item.Text is null)
                    throw new TopicEngineException($"{source.Path}: {source.Format.ToString().ToLowerInvariant()} input is pre-counted; index needs text documents");
                var document = new Document
                {
                    new StringField(options.IdField, item.Key, Field.Store.YES),
                    new Field(textField, item.Text, textType),
                };
                batch.Add(document);
                if (batch.Count == size) Flush();
            }
        if (batch.Count > 0) Flush();
    }

    /// <summary>A file an index writer leaves, committed or not (a build killed before its commit leaves segment files and no
    /// segments_N; building again over them is allowed and starts afresh).</summary>
    private static bool IsLuceneFile(string path)
    {
        string name = Path.GetFileName(path);
        return File.Exists(path) && (name == "write.lock" || name.StartsWith('_') || name.StartsWith("segments", StringComparison.Ordinal));
    }

    /// <summary>The text field: analysed, stored, with term vectors (so the index reads back as a corpus by its first strategy).</summary>
    internal static FieldType TextFieldType()
    {
        var type = new FieldType(TextField.TYPE_STORED) { StoreTermVectors = true };
        type.Freeze();
        return type;
    }

    /// <summary>The text field's indexed half when its tokens come already analysed: as <see cref="TextFieldType"/>, not stored
    /// (a stored field of the same name holds the text).</summary>
    private static FieldType AnalysedTextFieldType()
    {
        var type = new FieldType(TextField.TYPE_NOT_STORED) { StoreTermVectors = true };
        type.Freeze();
        return type;
    }

    /// <summary>What search needs to know about the index: the model, the analyzer, the fields, the topics' words.</summary>
    private static Dictionary<string, string> CommitData(TopicModel model, TopicIndexOptions options, string textField, bool topics)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AnalyzerKey] = JsonSerializer.Serialize(model.Analyzer),
            [IdFieldKey] = options.IdField,
            [TextFieldKey] = textField,
        };
        if (topics)
        {
            data[ModelKey] = TopicEnricher.Stamp(model);
            data[PrefixKey] = options.Enricher.TargetPrefix;
            data[TopicWordsKey] = JsonSerializer.Serialize(model.Topics(options.TopWords).Select(t => string.Join(' ', t.Words.Select(w => w.Term))).ToArray());
        }
        return data;
    }

    private static LuceneDirectory OpenExisting(string indexDirectory)
    {
        string full = Path.GetFullPath(indexDirectory);
        if (!LuceneIndexSource.IsIndex(full)) throw new TopicEngineException($"--index '{full}' is not a Lucene index (no segments_N file)");
        return FSDirectory.Open(new DirectoryInfo(full));
    }

    /// <summary>The analyzer settings recorded in an index's commit data, or null.</summary>
    private static AnalyzerSettings? RecordedAnalyzer(IDictionary<string, string> userData)
    {
        if (!userData.TryGetValue(AnalyzerKey, out var json)) return null;
        try
        {
            var settings = JsonSerializer.Deserialize<AnalyzerSettings>(json);
            settings?.Validate();
            return settings;
        }
        catch (JsonException) { return null; }
    }
}
