using Lucene.Net.Documents;
using Lucene.Net.Index;
using TopicEngine.Corpus;
using TopicEngine.Text;
using FSDirectory = Lucene.Net.Store.FSDirectory;

namespace TopicEngine.Tests;

/// <summary>
/// <c>--format lucene</c>: an index this test builds with Lucene.Net (the engine's analysis chain, two segments, deleted
/// documents) read back by term vectors, by postings and by re-analysing the stored text gives, document by document, the
/// terms and counts that analysing the raw text gives, and never a deleted document.
/// </summary>
public sealed class LuceneIndexSourceTests
{
    private const int Documents = 40;
    private static readonly string[] Deleted = ["d003", "d017", "d030"];

    /// <summary>Writes the index: 40 documents in two commits (two segments), three of them deleted afterwards.</summary>
    private static Dictionary<string, string> BuildIndex(string folder, bool vectors = true, bool indexed = true)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        using var directory = FSDirectory.Open(new DirectoryInfo(folder));
        using var analyzer = new AnalysisChain(new AnalyzerSettings());
        using var writer = new IndexWriter(directory, new IndexWriterConfig(AnalysisChain.Version, analyzer));
        var type = new FieldType { IsStored = true, IsIndexed = indexed, IsTokenized = true, StoreTermVectors = vectors && indexed };
        if (!indexed) type = new FieldType(StoredField.TYPE);
        for (int d = 0; d < Documents; d++)
        {
            string key = $"d{d:D3}";
            // Repeated words, stop words, numbers, a URL and an empty document: the chain's choices must survive each strategy.
            texts[key] = d == 7 ? "" : TopicTextCorpus.Text(d, words: 10 + d % 7) + $" The shuttle's {d} orbit, see https://example.org/{d}. Hockey hockey!";
            writer.AddDocument(new Document { new StringField("id", key, Field.Store.YES), new Field("text", texts[key], type) });
            if (d == Documents / 2) writer.Commit();
        }
        writer.Commit();
        foreach (var key in Deleted) writer.DeleteDocuments(new Term("id", key));
        writer.Commit();
        foreach (var key in Deleted) texts.Remove(key);
        return texts;
    }

    /// <summary>Each live document's bag of terms as the source gives it (counted documents by term name; text analysed).</summary>
    private static Dictionary<string, Dictionary<string, int>> ReadBags(LuceneIndexSource source, ReadReport report)
    {
        using var analyzer = new TextAnalyzer(new AnalyzerSettings());
        var bags = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var document in source.Read(report))
        {
            var bag = new Dictionary<string, int>(StringComparer.Ordinal);
            if (document.IsCounted)
                for (int i = 0; i < document.TermIndexes!.Length; i++)
                    bag[source.TermName(document.TermIndexes[i])] = bag.GetValueOrDefault(source.TermName(document.TermIndexes[i])) + document.Counts![i];
            else
                foreach (var term in analyzer.Terms(document.Text!)) bag[term] = bag.GetValueOrDefault(term) + 1;
            Assert.True(bags.TryAdd(document.Key, bag), $"{document.Key} read twice");
        }
        return bags;
    }

    private static Dictionary<string, Dictionary<string, int>> Expected(Dictionary<string, string> texts)
    {
        using var analyzer = new TextAnalyzer(new AnalyzerSettings());
        return texts.ToDictionary(p => p.Key, p => analyzer.Terms(p.Value).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
    }

    [Theory]
    [InlineData(LuceneReadStrategy.TermVectors)]
    [InlineData(LuceneReadStrategy.Postings)]
    [InlineData(LuceneReadStrategy.StoredText)]
    public void EveryStrategyGivesTheTermsOfTheRawTextAndSkipsDeletedDocuments(LuceneReadStrategy strategy)
    {
        using var dir = new TempDirectory();
        var texts = BuildIndex(dir.File("index"));
        var source = new LuceneIndexSource(dir.File("index"), new ReaderOptions { TextField = "text", IdField = "id", LuceneRead = strategy });
        var report = new ReadReport();
        var bags = ReadBags(source, report);
        var expected = Expected(texts);

        Assert.Equal(Documents - Deleted.Length, bags.Count);
        Assert.DoesNotContain(bags.Keys, key => Deleted.Contains(key));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), bags.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, bag) in expected)
            Assert.Equal(bag.OrderBy(p => p.Key, StringComparer.Ordinal), bags[key].OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Values.Sum(b => b.Values.Sum()), bags.Values.Sum(b => b.Values.Sum()));
        Assert.Equal(Documents - Deleted.Length, report.DocumentsByType[LuceneIndexSource.StrategyName(strategy)]);
        Assert.Empty(bags["d007"]);
    }

    [Fact]
    public async Task PreparingTheIndexCountsWhatPreparingTheRawTextCounts()
    {
        using var dir = new TempDirectory();
        var texts = BuildIndex(dir.File("index"));
        foreach (var (key, text) in texts) dir.Write($"raw/{key}.txt", text);
        var options = new CorpusOptions { Pruning = PruningSettings.None };
        var raw = await TopicCorpus.PrepareAsync(CorpusInput.FromPaths([dir.File("raw")]), dir.File("p-raw"), options);
        foreach (var strategy in new[] { LuceneReadStrategy.Auto, LuceneReadStrategy.Postings, LuceneReadStrategy.StoredText })
        {
            var input = CorpusInput.FromPaths([dir.File("index")], CorpusFormat.Auto, new ReaderOptions { TextField = "text", IdField = "id", LuceneRead = strategy });
            var fromIndex = await TopicCorpus.PrepareAsync(input, dir.File($"p-{strategy}"), options);
            Assert.Equal(raw.Documents, fromIndex.Documents);
            Assert.Equal(raw.Tokens, fromIndex.Tokens);
            Assert.Equal(raw.VocabularySize, fromIndex.VocabularySize);
            string expectedType = strategy == LuceneReadStrategy.Auto ? "lucene-term-vectors" : LuceneIndexSource.StrategyName(strategy);
            Assert.Equal(raw.Documents, fromIndex.DocumentsByType[expectedType]);
        }
    }

    [Fact]
    public void AutoFallsBackToPostingsWithoutVectorsAndToStoredTextWhenNotIndexed()
    {
        using var dir = new TempDirectory();
        BuildIndex(dir.File("postings"), vectors: false);
        BuildIndex(dir.File("stored"), indexed: false);
        var options = new ReaderOptions { TextField = "text", IdField = "id" };
        using (var directory = FSDirectory.Open(new DirectoryInfo(dir.File("postings"))))
        using (var reader = DirectoryReader.Open(directory))
            Assert.Equal(LuceneReadStrategy.Postings, new LuceneIndexSource(dir.File("postings"), options).Choose(reader));
        using (var directory = FSDirectory.Open(new DirectoryInfo(dir.File("stored"))))
        using (var reader = DirectoryReader.Open(directory))
        {
            Assert.Equal(LuceneReadStrategy.StoredText, new LuceneIndexSource(dir.File("stored"), options).Choose(reader));
            var forced = new LuceneIndexSource(dir.File("stored"), options with { LuceneRead = LuceneReadStrategy.TermVectors });
            Assert.Contains("has no term vectors", Assert.Throws<TopicEngineException>(() => forced.Choose(reader)).Message);
        }
        var missing = new LuceneIndexSource(dir.File("stored"), options with { TextField = "body" });
        Assert.Contains("no field 'body'", Assert.Throws<TopicEngineException>(() => missing.Read(new ReadReport()).ToList()).Message);
    }
}
