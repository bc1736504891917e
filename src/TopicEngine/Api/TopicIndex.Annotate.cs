using System.Diagnostics;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using TopicEngine.Text;

namespace TopicEngine;

public static partial class TopicIndex
{
    /// <summary>
    /// Adds or refreshes the topic fields of every live document of the index in <paramref name="indexDirectory"/>: each is
    /// rebuilt from its stored fields and doc values (see the remarks), enriched with <paramref name="model"/>, and re-added
    /// by its id (<see cref="TopicIndexOptions.IdField"/>, which must be unique and untokenized) when its topic fields or
    /// model stamp differ from the new ones; <see cref="TopicIndexReport.Changed"/> counts those. Tokenized fields are analysed
    /// again with the analyzer the index records (else the model's). Commits every
    /// <see cref="TopicIndexOptions.CommitEvery"/> changed documents and at the end; a killed run leaves every document with
    /// its old or its new topic fields, and running again completes it (documents already done are unchanged).
    /// </summary>
    /// <exception cref="TopicEngineException">No index there, an id missing, repeated or tokenized, or a document that cannot be
    /// enriched under the fail policy (nothing after the last commit is kept).</exception>
    public static async Task<TopicIndexReport> AnnotateAsync(TopicModel model, string indexDirectory, TopicIndexOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(indexDirectory);
        options ??= new TopicIndexOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        var enricher = new TopicEnricher(model, options.Enricher);
        long documents = 0, changed = 0;
        var unstored = new List<string>();
        await Task.Run(() =>
        {
            using var directory = OpenExisting(indexDirectory);
            using var reader = DirectoryReader.Open(directory);
            var userData = new Dictionary<string, string>(reader.IndexCommit.UserData, StringComparer.Ordinal);
            var settings = RecordedAnalyzer(userData) ?? model.Analyzer;
            var infos = MultiFields.GetMergedFieldInfos(reader);
            CheckIds(reader, infos, options.IdField, indexDirectory);
            using var analyzer = new AnalysisChain(settings);
            var config = new IndexWriterConfig(AnalysisChain.Version, analyzer) { OpenMode = OpenMode.APPEND, RAMBufferSizeMB = WriterBufferMegabytes };
            using var writer = new IndexWriter(directory, config);
            try
            {
                var exclude = new HashSet<string>(enricher.Fields, StringComparer.Ordinal);
                var storedNames = new HashSet<string>(StringComparer.Ordinal);
                var batch = new List<(string Id, string Before, Document Document)>();
                long sinceCommit = 0;
                void Process()
                {
                    enricher.Enrich(batch.Select(b => b.Document).ToList());
                    foreach (var (id, before, document) in batch)
                    {
                        if (Signature(document, enricher) == before) continue;
                        writer.UpdateDocument(new Term(options.IdField, id), document);   // delete and add, atomic in a commit
                        changed++;
                        if (++sinceCommit >= options.CommitEvery)
                        {
                            writer.Commit();
                            sinceCommit = 0;
                        }
                    }
                    batch.Clear();
                }
                foreach (var leaf in reader.Leaves)
                {
                    var atomic = leaf.AtomicReader;
                    var live = atomic.LiveDocs;
                    for (int doc = 0; doc < atomic.MaxDoc; doc++)
                    {
                        if (live is not null && !live.Get(doc)) continue;
                        cancellationToken.ThrowIfCancellationRequested();
                        var stored = atomic.Document(doc);
                        foreach (var field in stored.Fields) storedNames.Add(field.Name);
                        var rebuilt = StoredDocument.Rebuild(stored, atomic, doc, infos, exclude);
                        batch.Add((stored.Get(options.IdField), Signature(stored, enricher), rebuilt));
                        documents++;
                        if (batch.Count == options.Enricher.BatchSize) Process();
                    }
                }
                if (batch.Count > 0) Process();
                foreach (var info in infos)
                    if (info.IsIndexed && !exclude.Contains(info.Name) && !storedNames.Contains(info.Name)) unstored.Add(info.Name);
                foreach (var (key, value) in CommitData(model, options, options.Enricher.SourceFields[0], topics: true)) userData[key] = value;
                userData[AnalyzerKey] = System.Text.Json.JsonSerializer.Serialize(settings);
                writer.SetCommitData(userData);
                writer.Commit();
            }
            catch
            {
                writer.Rollback();   // the last commit stays: every document with its old or its new topic fields
                throw;
            }
        }, cancellationToken);
        return new TopicIndexReport(Path.GetFullPath(indexDirectory), documents, enricher.Enriched, enricher.Skipped, changed, clock.Elapsed,
            enricher.ModelStamp) { UnstoredFields = unstored };
    }

    /// <summary>The topic fields of a document as one string, to tell whether re-enriching changed them.</summary>
    private static string Signature(Document document, TopicEnricher enricher)
    {
        var theta = document.GetBinaryValue(enricher.ThetaField);
        return string.Join('|', string.Join(',', document.GetValues(enricher.DominantField)), string.Join(',', document.GetValues(enricher.AboveField)),
            string.Join(',', document.GetValues(enricher.ModelField)), theta is null ? "" : Convert.ToHexString(theta.Bytes, theta.Offset, theta.Length));
    }

    /// <summary>Re-adding by id needs every live document to have one stored, untokenized id, different from every other's.</summary>
    private static void CheckIds(DirectoryReader reader, FieldInfos infos, string idField, string indexDirectory)
    {
        var info = infos.FieldInfo(idField);
        if (info is null || !info.IsIndexed)
            throw new TopicEngineException($"{indexDirectory}: the index has no indexed field '{idField}' to re-add documents by (--id-field)");
        if (info.IndexOptions != IndexOptions.DOCS_ONLY || !info.OmitsNorms)
            throw new TopicEngineException($"{indexDirectory}: the id field '{idField}' is tokenized; annotate re-adds documents by an untokenized id (a StringField)");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var load = new HashSet<string> { idField };
        foreach (var leaf in reader.Leaves)
        {
            var live = leaf.AtomicReader.LiveDocs;
            for (int doc = 0; doc < leaf.AtomicReader.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc)) continue;
                string? id = leaf.AtomicReader.Document(doc, load).Get(idField)
                    ?? throw new TopicEngineException($"{indexDirectory}: document {leaf.DocBase + doc} has no stored '{idField}'; annotate re-adds documents by it (--id-field)");
                if (!seen.Add(id))
                    throw new TopicEngineException($"{indexDirectory}: several documents have {idField} '{id}'; annotate re-adds documents by a unique id (--id-field)");
            }
        }
    }
}
