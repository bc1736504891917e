using System.Collections.Concurrent;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using TopicEngine.Text;
using Xunit.Abstractions;
using FSDirectory = Lucene.Net.Store.FSDirectory;

namespace TopicEngine.Tests;

/// <summary>
/// Issue 15, item 5 (the enricher half): while <see cref="TopicIndex.AnnotateAsync"/> relabels an index with an updated model,
/// committing every 25 documents, four threads enrich documents with two shared enrichers (the old model's and the updated
/// model's, the latter on the very <see cref="TopicModel"/> instance annotate uses), one at a time and in batches, and feed a
/// second index through one shared <see cref="IndexWriter"/>; a reader reopens the annotated index in a loop. Nothing may
/// fail, and every document, in the threads' hands, in the second index and in every commit the reader sees, carries the θ
/// that the model named by its stamp gives its text (computed sequentially beforehand).
/// </summary>
[Trait("Category", "Reliability")]
[Collection(nameof(ConsoleCollection))]
public sealed class ConcurrentEnrichmentTests(TopicIndexModels models, ITestOutputHelper log) : IClassFixture<TopicIndexModels>
{
    private const int Documents = 600;

    private static string Hex(Document document, string field)
    {
        var bytes = document.GetBinaryValue(field);
        return Convert.ToHexString(bytes.Bytes, bytes.Offset, bytes.Length);
    }

    [Fact]
    public async Task EnrichersOnManyThreadsWhileAnnotateCommitsNeverMixModelVersions()
    {
        using var dir = new TempDirectory();
        var texts = Enumerable.Range(0, Documents).Select(d => TopicTextCorpus.Text(d)).ToArray();
        for (int d = 0; d < Documents; d++) dir.Write($"in/{d:D3}.txt", texts[d]);
        using var oldModel = TopicModel.Load(models.Model, new InferenceOptions { Threads = 2 });
        using var newModel = TopicModel.Load(models.Updated, new InferenceOptions { Threads = 2 });
        var oldEnricher = new TopicEnricher(oldModel, new TopicEnricherOptions { BatchSize = 16 });
        var newEnricher = new TopicEnricher(newModel, new TopicEnricherOptions { BatchSize = 16 });
        Assert.NotEqual(oldEnricher.ModelStamp, newEnricher.ModelStamp);

        // The expected θ of every text under each model, sequentially, with models loaded apart.
        var expected = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var path in new[] { models.Model, models.Updated })
        {
            using var model = TopicModel.Load(path, new InferenceOptions { Threads = 1 });
            var enricher = new TopicEnricher(model);
            var byText = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var text in texts.Distinct())
            {
                var document = new Document { new TextField("text", text, Field.Store.YES) };
                Assert.True(enricher.Enrich(document));
                byText[text] = Hex(document, enricher.ThetaField);
            }
            expected[enricher.ModelStamp] = byText;
        }
        Assert.NotEqual(expected[oldEnricher.ModelStamp].Values, expected[newEnricher.ModelStamp].Values);
        var failures = new ConcurrentQueue<string>();
        void Check(Document document, string where)
        {
            string? stamp = document.Get("topic_model");
            if (stamp is null || !expected.TryGetValue(stamp, out var byText)) failures.Enqueue($"{where}: stamp '{stamp}'");
            else if (byText[document.Get("text")] != Hex(document, "topic_theta")) failures.Enqueue($"{where}: θ is not that of the stamped model");
        }

        string annotated = dir.File("annotated");
        await TopicIndex.BuildAsync(oldModel, CorpusInput.FromPaths([dir.File("in")]), annotated);

        using var fedDirectory = FSDirectory.Open(new DirectoryInfo(dir.File("fed")));
        using var analyzer = new AnalysisChain(newModel.Analyzer);
        using var fed = new IndexWriter(fedDirectory, new IndexWriterConfig(AnalysisChain.Version, analyzer));
        using var stop = new CancellationTokenSource();
        long enriched = 0, duringAnnotate = 0, reads = 0;
        var stampsSeen = new ConcurrentDictionary<string, bool>();
        // Own threads (LongRunning): loops on pool threads would starve annotate's own work items.
        var enrichers = Enumerable.Range(0, 4).Select(t => Task.Factory.StartNew(() =>
        {
            var random = new Random(30 + t);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var enricher = random.Next(2) == 0 ? oldEnricher : newEnricher;
                    var batch = Enumerable.Range(0, 1 + random.Next(40)).Select(_ => random.Next(Documents))
                        .Select(d => new Document { new StringField("id", $"{t}-{d}", Field.Store.YES), new TextField("text", texts[d], Field.Store.YES) }).ToList();
                    if (batch.Count == 1) Assert.True(enricher.Enrich(batch[0]));
                    else Assert.Equal(batch.Count, enricher.Enrich(batch));
                    foreach (var document in batch)
                    {
                        if (document.Get("topic_model") != enricher.ModelStamp) failures.Enqueue($"thread {t}: another enricher's stamp");
                        Check(document, $"thread {t}");
                        fed.AddDocument(document);
                    }
                    Interlocked.Add(ref enriched, batch.Count);
                    Thread.Sleep(2);   // leave annotate a share of the cores
                }
                catch (Exception e)
                {
                    failures.Enqueue($"thread {t}: {e.GetType().Name}: {e.Message}");
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        var reader = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var directory = FSDirectory.Open(new DirectoryInfo(annotated));
                    using var index = DirectoryReader.Open(directory);
                    if (index.NumDocs != Documents) failures.Enqueue($"reader: {index.NumDocs} documents");
                    foreach (var leaf in index.Leaves)
                        for (int doc = 0; doc < leaf.AtomicReader.MaxDoc; doc++)
                        {
                            if (leaf.AtomicReader.LiveDocs is { } live && !live.Get(doc)) continue;
                            var document = leaf.AtomicReader.Document(doc);
                            stampsSeen[document.Get("topic_model") ?? "none"] = true;
                            Check(document, $"commit {index.IndexCommit.Generation}");
                        }
                    Interlocked.Increment(ref reads);
                    Thread.Sleep(20);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"reader: {e.GetType().Name}: {e.Message}");
                }
            }
        }, TaskCreationOptions.LongRunning);

        TopicIndexReport report;
        try
        {
            while (Interlocked.Read(ref enriched) == 0 && failures.IsEmpty) await Task.Delay(5);   // the threads are running
            report = await TopicIndex.AnnotateAsync(newModel, annotated, new TopicIndexOptions { CommitEvery = 25, Enricher = new TopicEnricherOptions { BatchSize = 10 } });
            duringAnnotate = Interlocked.Read(ref enriched);
            await Task.Delay(200);
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll([.. enrichers, reader]);
        }
        fed.Commit();

        Assert.Equal(Documents, report.Changed);
        using (var index = DirectoryReader.Open(fedDirectory))
        {
            Assert.Equal(Interlocked.Read(ref enriched), index.NumDocs);
            for (int doc = 0; doc < index.MaxDoc; doc++) Check(index.Document(doc), "fed index");
        }
        log.WriteLine($"{enriched} documents enriched on 4 threads ({duringAnnotate} before annotate ended) and fed to a shared writer; " +
                      $"annotate changed {report.Changed} documents in {report.Elapsed.TotalSeconds:F1} s; the reader read {reads} commits, seeing stamps of {stampsSeen.Count} kinds");
        Assert.True(failures.IsEmpty, $"{failures.Count} failures, first: {failures.FirstOrDefault()}");
        Assert.True(reads > 0 && duringAnnotate > 0);
        using var doneDirectory = FSDirectory.Open(new DirectoryInfo(annotated));
        using var done = DirectoryReader.Open(doneDirectory);
        var liveDocs = MultiFields.GetLiveDocs(done);
        for (int doc = 0; doc < done.MaxDoc; doc++)
            if (liveDocs is null || liveDocs.Get(doc)) Assert.Equal(newEnricher.ModelStamp, done.Document(doc).Get("topic_model"));
    }
}
