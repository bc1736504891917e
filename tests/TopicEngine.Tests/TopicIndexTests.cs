using Lucene.Net.Documents;
using Lucene.Net.Index;
using TopicEngine.Text;
using FSDirectory = Lucene.Net.Store.FSDirectory;

namespace TopicEngine.Tests;

/// <summary>A model fitted once for the topic-index tests (3 topics over <see cref="TopicTextCorpus"/>), and an updated one.</summary>
public sealed class TopicIndexModels : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TopicIndexModels()
    {
        Texts = TopicTextCorpus.Write(_dir, "in", documents: 45);
        for (int d = 45; d < 60; d++) _dir.Write($"more/{d:D3}.txt", TopicTextCorpus.Text(d));
        var (exit, _, error) = CliRun.Run("fit", "--input", _dir.File("in"), "--out", Model, "--topics", "3", "--passes", "3",
            "--batch-size", "16", "--min-df", "2", "--max-df", "0.95", "--device", "cpu", "--threads", "2", "--seed", "5");
        Assert.True(exit == 0, error);
        (exit, _, error) = CliRun.Run("update", "--model", Model, "--input", _dir.File("more"), "--out", Updated, "--device", "cpu", "--threads", "2");
        Assert.True(exit == 0, error);
    }

    public Dictionary<string, string> Texts { get; }

    public string Input => _dir.File("in");

    public string Model => _dir.File("model");

    public string Updated => _dir.File("model-updated");

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// <see cref="TopicEnricher"/> and the <c>index</c>, <c>annotate</c> and <c>search</c> commands: the fields written, the
/// failure policy, parallel against sequential enrichment, annotate keeping stored fields and replacing the model stamp, and
/// <c>search --like</c>.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class TopicIndexTests(TopicIndexModels models) : IClassFixture<TopicIndexModels>
{
    private static Document TextDocument(string id, string text) =>
        new() { new StringField("id", id, Field.Store.YES), new TextField("text", text, Field.Store.YES) };

    /// <summary>The topic fields of a document, as text (θ as hex).</summary>
    private static string TopicFields(Document document, TopicEnricher enricher) =>
        string.Join(" | ", enricher.Fields.Select(name => name + "=" + string.Join(",", document.Fields.Where(f => f.Name == name)
            .Select(f => f.GetBinaryValue() is { } b ? Convert.ToHexString(b.Bytes, b.Offset, b.Length) : f.GetStringValue()))));

    [Fact]
    public void ParallelEnrichmentGivesTheFieldsOfSequentialEnrichment()
    {
        using var parallelModel = TopicModel.Load(models.Model, new InferenceOptions { Threads = 4 });
        using var sequentialModel = TopicModel.Load(models.Model, new InferenceOptions { Threads = 1 });
        var parallel = new TopicEnricher(parallelModel, new TopicEnricherOptions { BatchSize = 7, Threshold = 0.2f });
        var sequential = new TopicEnricher(sequentialModel, new TopicEnricherOptions { Threshold = 0.2f });
        var batch = models.Texts.Select(p => TextDocument(p.Key, p.Value)).ToList();
        var one = models.Texts.Select(p => TextDocument(p.Key, p.Value)).ToList();

        Assert.Equal(batch.Count, parallel.Enrich(batch));
        foreach (var document in one) Assert.True(sequential.Enrich(document));

        for (int i = 0; i < batch.Count; i++)
            Assert.Equal(TopicFields(one[i], sequential), TopicFields(batch[i], parallel));
        var first = batch[0];
        var theta = TopicEnricher.DecodeTheta(first.GetBinaryValue(parallel.ThetaField).Bytes);
        Assert.Equal(3, theta.Length);
        Assert.Equal(1f, theta.Sum(), 1e-4f);
        Assert.Equal(Array.IndexOf(theta, theta.Max()).ToString(), first.Get(parallel.DominantField));
        Assert.Contains(first.Get(parallel.DominantField), first.GetValues(parallel.AboveField));
        Assert.Equal(TopicEnricher.Stamp(parallelModel), first.Get(parallel.ModelField));
        Assert.StartsWith($"vocabulary:{parallelModel.VocabularyHash} created:", first.Get(parallel.ModelField));
        Assert.Equal(batch.Count, parallel.Enriched);
    }

    [Fact]
    public void TheFailurePolicyFailsSkipsOrCallsBack()
    {
        using var model = TopicModel.Load(models.Model);
        var documents = new List<Document> { TextDocument("a", models.Texts.First().Value), new() { new StringField("id", "b", Field.Store.YES) } };

        var failing = new TopicEnricher(model);
        Assert.Contains("no text in 'text'", Assert.Throws<TopicEngineException>(() => failing.Enrich(documents)).Message);

        var skipping = new TopicEnricher(model, new TopicEnricherOptions { FailurePolicy = EnrichmentFailurePolicy.Skip });
        Assert.Equal(1, skipping.Enrich(documents));
        Assert.Equal(1, skipping.Skipped);
        Assert.NotNull(documents[0].Get(skipping.DominantField));
        Assert.Null(documents[1].Get(skipping.DominantField));

        var failures = new List<EnrichmentFailure>();
        var calling = new TopicEnricher(model, new TopicEnricherOptions { FailurePolicy = EnrichmentFailurePolicy.Callback, OnFailure = f => { lock (failures) failures.Add(f); } });
        Assert.False(calling.Enrich(documents[1]));
        Assert.Same(documents[1], Assert.Single(failures).Document);
        Assert.Throws<TopicEngineException>(() => new TopicEnricher(model, new TopicEnricherOptions { FailurePolicy = EnrichmentFailurePolicy.Callback }));
    }

    [Fact]
    public async Task SearchLikeADocumentReturnsThatDocumentFirst()
    {
        using var dir = new TempDirectory();
        var (exit, output, error) = CliRun.Run("index", "--model", models.Model, "--input", models.Input, "--index", dir.File("index"), "--threads", "2");
        Assert.True(exit == 0, error);
        Assert.Contains($"indexed {models.Texts.Count} documents in ", output);

        foreach (var id in new[] { "000.txt", "013.txt", "031.txt" })
        {
            (exit, output, error) = CliRun.Run("search", "--index", dir.File("index"), "--like", id, "--top", "3");
            Assert.True(exit == 0, error);
            var hits = output.Split('\n').Where(l => l.Contains("  distance ")).ToList();
            Assert.Equal(3, hits.Count);
            Assert.StartsWith($"{id}  distance 0.0000  topic ", hits[0]);
        }
        var results = TopicIndex.Search(dir.File("index"), new TopicSearchRequest { LikeId = "005.txt", Distance = TopicDistance.JensenShannon, Facets = true, Top = 50 });
        Assert.Equal("005.txt", results.Hits[0].Id);
        Assert.Equal(results.Hits.Select(h => h.Score).Order(), results.Hits.Select(h => h.Score));
        Assert.Equal(models.Texts.Count, results.Facets.Sum(f => f.Dominant));
        Assert.True(results.Facets.All(f => f.Above >= f.Dominant));

        // A keyword query filtered by topic: every hit has the topic above the threshold.
        var space = TopicIndex.Search(dir.File("index"), new TopicSearchRequest { Query = "shuttle orbit" });
        int topic = space.Hits[0].DominantTopic!.Value;
        var filtered = TopicIndex.Search(dir.File("index"), new TopicSearchRequest { Query = "shuttle orbit", Topic = topic, Top = 100 });
        Assert.NotEmpty(filtered.Hits);
        Assert.True(filtered.Matches <= space.Matches);
        Assert.Contains("shuttle", filtered.Hits[0].Snippet);

        // The index reads back as a corpus with the tokens the model's analysis makes.
        var corpus = await TopicCorpus.PrepareAsync(CorpusInput.FromPaths([dir.File("index")], TopicEngine.Corpus.CorpusFormat.Lucene,
            new TopicEngine.Corpus.ReaderOptions { TextField = "text", IdField = "id" }), dir.File("prepared"), new CorpusOptions { Pruning = PruningSettings.None });
        Assert.Equal(models.Texts.Count * 40, corpus.Tokens);
        Assert.Equal(models.Texts.Count, corpus.DocumentsByType["lucene-term-vectors"]);
    }

    /// <summary>An index as another program might write it: several stored field kinds, one unstored-free layout, a deleted document.</summary>
    private Dictionary<string, Document> ForeignIndex(string folder)
    {
        using var directory = FSDirectory.Open(new DirectoryInfo(folder));
        using var analyzer = new AnalysisChain(new AnalyzerSettings());
        using var writer = new IndexWriter(directory, new IndexWriterConfig(AnalysisChain.Version, analyzer));
        int d = 0;
        foreach (var (key, text) in models.Texts.Take(30))
        {
            var document = TextDocument(key, text);
            document.Add(new StoredField("title", $"Title {d}"));
            document.Add(new Int32Field("year", 1990 + d, Field.Store.YES));
            document.Add(new StringField("tag", d % 2 == 0 ? "even" : "odd", Field.Store.YES));
            document.Add(new NumericDocValuesField("rank", d));
            writer.AddDocument(document);
            if (++d == 15) writer.Commit();
        }
        writer.DeleteDocuments(new Term("id", models.Texts.Keys.First()));
        writer.Commit();
        return Stored(folder);
    }

    /// <summary>Every live document's stored fields by id.</summary>
    private static Dictionary<string, Document> Stored(string folder)
    {
        using var directory = FSDirectory.Open(new DirectoryInfo(folder));
        using var reader = DirectoryReader.Open(directory);
        var documents = new Dictionary<string, Document>(StringComparer.Ordinal);
        var live = MultiFields.GetLiveDocs(reader);
        for (int doc = 0; doc < reader.MaxDoc; doc++)
            if (live is null || live.Get(doc))
            {
                var stored = reader.Document(doc);
                documents.Add(stored.Get("id"), stored);
            }
        return documents;
    }

    private static string StoredFields(Document document) =>
        string.Join(" | ", document.Fields.Where(f => !f.Name.StartsWith("topic_", StringComparison.Ordinal)).OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => $"{f.Name}={f.GetStringValue()}"));

    [Fact]
    public void AnnotateKeepsStoredFieldsAndASecondModelReplacesTheTopicFields()
    {
        using var dir = new TempDirectory();
        string index = dir.File("index");
        var before = ForeignIndex(index);
        Assert.Equal(29, before.Count);

        var (exit, output, error) = CliRun.Run("annotate", "--model", models.Model, "--index", index, "--threads", "2", "--batch-size", "8", "--commit-every", "10");
        Assert.True(exit == 0, error);
        Assert.Contains("annotated 29 documents in ", output);
        Assert.Contains(": 29 changed, 0 unchanged", output);
        var first = Stored(index);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), first.Keys.Order(StringComparer.Ordinal));
        using (var model = TopicModel.Load(models.Model))
            foreach (var (id, document) in first)
            {
                Assert.Equal(StoredFields(before[id]), StoredFields(document));
                Assert.Single(document.GetValues("topic_dominant"));
                Assert.NotEmpty(document.GetValues("topic_above"));
                Assert.Equal(12, document.GetBinaryValue("topic_theta").Length);
                Assert.Equal(TopicEnricher.Stamp(model), Assert.Single(document.GetValues("topic_model")));
            }
        // Fields stay searchable as they were: the tag and the year by their indexed values, the text by its words.
        using (var directory = FSDirectory.Open(new DirectoryInfo(index)))
        using (var reader = DirectoryReader.Open(directory))
        {
            var searcher = new Lucene.Net.Search.IndexSearcher(reader);
            Assert.Equal(before.Values.Count(d => d.Get("tag") == "even"), searcher.Search(new Lucene.Net.Search.TermQuery(new Term("tag", "even")), 100).TotalHits);
            Assert.Equal(1, searcher.Search(Lucene.Net.Search.NumericRangeQuery.NewInt32Range("year", 1995, 1995, true, true), 10).TotalHits);
            Assert.Equal(before.Values.Count(d => d.Get("text").Contains("hockey")), searcher.Search(new Lucene.Net.Search.TermQuery(new Term("text", "hockey")), 100).TotalHits);
            var ranks = MultiDocValues.GetNumericValues(reader, "rank");
            Assert.NotNull(ranks);
        }

        (exit, output, error) = CliRun.Run("annotate", "--model", models.Model, "--index", index);
        Assert.True(exit == 0, error);
        Assert.Contains(": 0 changed, 29 unchanged", output);

        (exit, output, error) = CliRun.Run("annotate", "--model", models.Updated, "--index", index);
        Assert.True(exit == 0, error);
        Assert.Contains("annotated 29 documents", output);
        var second = Stored(index);
        using var updated = TopicModel.Load(models.Updated);
        var fresh = new TopicEnricher(updated);
        Assert.NotEqual(first.Values.First().Get("topic_model"), TopicEnricher.Stamp(updated));
        foreach (var (id, document) in second)
        {
            Assert.Equal(StoredFields(before[id]), StoredFields(document));
            Assert.Equal(TopicEnricher.Stamp(updated), Assert.Single(document.GetValues("topic_model")));
            Assert.Single(document.GetValues("topic_dominant"));
            var expected = TextDocument(id, document.Get("text"));
            Assert.True(fresh.Enrich(expected));
            Assert.Equal(expected.GetBinaryValue("topic_theta"), document.GetBinaryValue("topic_theta"));
            Assert.Equal(expected.GetValues("topic_above"), document.GetValues("topic_above"));
        }
        Assert.Equal(TopicEnricher.Stamp(updated), TopicIndex.Search(index, new TopicSearchRequest()).ModelStamp);
    }

    [Fact]
    public void AnnotateRefusesRepeatedIds()
    {
        using var dir = new TempDirectory();
        using (var directory = FSDirectory.Open(new DirectoryInfo(dir.File("index"))))
        using (var analyzer = new AnalysisChain(new AnalyzerSettings()))
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(AnalysisChain.Version, analyzer)))
        {
            writer.AddDocument(TextDocument("same", "orbit shuttle"));
            writer.AddDocument(TextDocument("same", "hockey team"));
            writer.Commit();
        }
        var (exit, _, error) = CliRun.Run("annotate", "--model", models.Model, "--index", dir.File("index"));
        Assert.Equal(1, exit);
        Assert.Contains("several documents have id 'same'", error);
        Assert.Equal(2, Stored2(dir.File("index")));
    }

    private static int Stored2(string folder)
    {
        using var directory = FSDirectory.Open(new DirectoryInfo(folder));
        using var reader = DirectoryReader.Open(directory);
        return reader.NumDocs;
    }
}
