using TopicEngine.Corpus;
using TopicEngine.Storage;
using TopicEngine.Model;
using TopicEngine.Text;

namespace TopicEngine.Tests;

public sealed class PreparedCorpusTests
{
    private static readonly string[] Texts =
    [
        "The graphics card renders graphics quickly",
        "Space shuttle launch delayed by weather",
        "",
        "Graphics drivers crash the card",
        "The shuttle crew trained for the launch in space",
        "Weather satellites watch space weather",
    ];

    private static IReadOnlyList<CorpusSource> Folder(TempDirectory dir, IReadOnlyList<string> texts)
    {
        for (int i = 0; i < texts.Count; i++) dir.Write($"in/doc{i:D2}.txt", texts[i]);
        return [CorpusSources.Open(dir.File("in"), CorpusFormat.Auto, new ReaderOptions())];
    }

    private static PrepareResult Prepare(IReadOnlyList<CorpusSource> sources, string output, PruningSettings? pruning = null, int threads = 0, AnalyzerSettings? analyzer = null) =>
        new CorpusPreparer(analyzer ?? new AnalyzerSettings(), pruning ?? PruningSettings.None, threads).PrepareAsync(sources, output).GetAwaiter().GetResult();

    [Fact]
    public void BatchesHoldExactlyTheCountedTermsOfEveryDocument()
    {
        using var dir = new TempDirectory();
        string output = dir.File("prepared");
        var result = Prepare(Folder(dir, Texts), output, new PruningSettings { MinDf = 2, MaxDf = 1.0 });

        var corpus = PreparedCorpus.Open(output);
        Assert.Equal(Texts.Length, corpus.DocumentCount);
        Assert.Equal(result.Manifest.Tokens, corpus.TokenCount);
        using var analyzer = new TextAnalyzer(corpus.AnalyzerSettings);
        var batches = corpus.ReadBatches(4).ToList();
        Assert.Equal([4, 2], batches.Select(b => b.DocumentCount));
        long tokens = 0;
        int d = 0;
        foreach (var batch in batches)
        {
            batch.Validate(corpus.VocabularySize);
            for (int i = 0; i < batch.DocumentCount; i++, d++)
            {
                Assert.Equal($"doc{d:D2}.txt", batch.Keys[i]);
                var expected = analyzer.Terms(Texts[d])
                    .Where(t => corpus.Vocabulary.TryGetId(t, out _))
                    .GroupBy(t => t)
                    .ToDictionary(g => g.Key, g => (float)g.Count());
                var actual = new Dictionary<string, float>();
                var ids = batch.DocumentTerms(i);
                var counts = batch.DocumentCounts(i);
                for (int j = 0; j < ids.Length; j++) actual[corpus.Vocabulary.Term(ids[j])] = counts[j];
                Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
                tokens += (long)expected.Values.Sum();
            }
        }
        Assert.Equal(corpus.TokenCount, tokens);
        Assert.Equal(1, result.Manifest.EmptyDocuments);
        Assert.Contains("graphics", corpus.Vocabulary.Terms);       // in 2 documents
        Assert.DoesNotContain("renders", corpus.Vocabulary.Terms);  // in 1 document: pruned by min-df 2
    }

    [Fact]
    public void TermIdsFollowFirstAppearanceAndDoNotDependOnThreadCount()
    {
        using var dir = new TempDirectory();
        var texts = Enumerable.Range(0, 300).Select(i => $"word{i % 17}x alpha{i % 5}y doc{i}z common shared{i % 3}q").ToArray();
        var sources = Folder(dir, texts);
        Prepare(sources, dir.File("one"), threads: 1);
        Prepare(sources, dir.File("many"), threads: 4);
        Assert.Equal(File.ReadAllBytes(dir.Current("one/corpus.bin")), File.ReadAllBytes(dir.Current("many/corpus.bin")));
        var vocabulary = PreparedCorpus.Open(dir.File("many")).Vocabulary;
        Assert.Equal(["word0x", "alpha0y", "doc0z", "common", "shared0q", "word1x"], vocabulary.Terms.Take(6));
    }

    [Fact]
    public void VocabularyParquetRoundTripsTermsAndFrequencies()
    {
        using var dir = new TempDirectory();
        Prepare(Folder(dir, Texts), dir.File("out"));
        var corpus = PreparedCorpus.Open(dir.File("out"));
        int graphics = corpus.Vocabulary.TryGetId("graphics", out int id) ? id : -1;
        Assert.Equal(2, corpus.Vocabulary.DocumentFrequency(graphics));
        Assert.Equal(3, corpus.Vocabulary.CollectionFrequency(graphics));
        var again = VocabularyFile.Read(dir.Current("out/vocabulary.parquet"));
        Assert.Equal(corpus.Vocabulary.Terms, again.Terms);
        Assert.Equal(corpus.Manifest.VocabularyFingerprint, again.Fingerprint());
    }

    [Fact]
    public void UciSourceKeepsTheVocabularyFileOrderAsIds()
    {
        using var dir = new TempDirectory();
        dir.Write("uci/docword.toy.txt", "3\n5\n5\n1 4 2\n1 1 1\n2 2 3\n3 3 1\n3 4 1\n");
        dir.Write("uci/vocab.toy.txt", "delta\ncharlie\nbravo\nalpha\nunused\n");
        var sources = new[] { CorpusSources.Open(dir.File("uci"), CorpusFormat.Auto, new ReaderOptions()) };
        var result = Prepare(sources, dir.File("out"), new PruningSettings { MinDf = 0, MaxDf = 1.0 });
        var corpus = PreparedCorpus.Open(dir.File("out"));
        Assert.Equal(["delta", "charlie", "bravo", "alpha", "unused"], corpus.Vocabulary.Terms);   // --min-df 0: ids are the file's
        var batch = Assert.Single(corpus.ReadBatches(10));
        batch.Validate(5);
        Assert.Equal([0, 3], batch.DocumentTerms(0).ToArray());
        Assert.Equal([1f, 2f], batch.DocumentCounts(0).ToArray());
        Assert.Equal(8, result.Manifest.Tokens);
    }

    [Fact]
    public void SeveralInputsOfDifferentFormatsFormOneCorpus()
    {
        using var dir = new TempDirectory();
        string jsonl = dir.Write("a.jsonl", "{\"text\": \"graphics card\"}\n{\"text\": \"space shuttle\"}\n");
        string csv = dir.Write("b.csv", "text\n\"graphics, space\"\n");
        var sources = CorpusSources.Open([jsonl, csv], CorpusFormat.Auto, new ReaderOptions());
        var result = Prepare(sources, dir.File("out"));
        Assert.Equal(3, result.Manifest.Documents);
        Assert.Equal(2, result.Manifest.Sources.Count);
        Assert.Equal(["a.jsonl:1", "a.jsonl:2", "b.csv:2"], PreparedCorpus.Open(dir.File("out")).ReadBatches(10).Single().Keys);
    }

    [Fact]
    public void PruningToNothingFailsAndLeavesNoOutputFolder()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<TopicEngineException>(() => Prepare(Folder(dir, Texts), dir.File("out"), new PruningSettings { MinDf = 50 }));
        Assert.Contains("--min-df", e.Message);
        Assert.False(Directory.Exists(dir.File("out")));
        Assert.Equal(["in"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AnEmptyCorpusFailsAndLeavesNoOutputFolder()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        var sources = new[] { CorpusSources.Open(dir.File("in"), CorpusFormat.Auto, new ReaderOptions()) };
        var e = Assert.Throws<TopicEngineException>(() => Prepare(sources, dir.File("out")));
        Assert.Contains("empty", e.Message);
        Assert.Equal(["in"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AFolderThatIsNotAPreparedCorpusIsNotOverwritten()
    {
        using var dir = new TempDirectory();
        dir.Write("out/precious.txt", "keep");
        var e = Assert.Throws<TopicEngineException>(() => Prepare(Folder(dir, Texts), dir.File("out")));
        Assert.Contains("not a prepared corpus", e.Message);
        Assert.True(File.Exists(dir.File("out/precious.txt")));
    }

    [Fact]
    public void APreparedCorpusIsReplacedByANewRun()
    {
        using var dir = new TempDirectory();
        var sources = Folder(dir, Texts);
        Prepare(sources, dir.File("out"));
        Prepare(sources, dir.File("out"), new PruningSettings { MinDf = 2, MaxDf = 1.0 });
        Assert.Equal(2, PreparedCorpus.Open(dir.File("out")).Manifest.Pruning.MinDf);
    }

    [Fact]
    public void ADamagedCorpusFileIsAUserError()
    {
        using var dir = new TempDirectory();
        Prepare(Folder(dir, Texts), dir.File("out"));
        string bin = dir.Current("out/corpus.bin");
        File.WriteAllBytes(bin, File.ReadAllBytes(bin)[..50]);
        var corpus = PreparedCorpus.Open(dir.File("out"));
        Assert.Throws<TopicEngineException>(() => corpus.ReadBatches(100).ToList());
        File.WriteAllText(bin, "garbage");
        Assert.Throws<TopicEngineException>(() => PreparedCorpus.Open(dir.File("out")));
    }

    [Fact]
    public void BatchBuilderMapsNewTextToAnExistingVocabularyAndTalliesUnknownTerms()
    {
        var vocabulary = new Vocabulary();
        vocabulary.Add("graphics");
        vocabulary.Add("card");
        using var analyzer = new TextAnalyzer(new AnalyzerSettings());
        var builder = new BatchBuilder(analyzer, vocabulary, collectUnknown: true);
        var batch = builder.Build([("a", "Graphics card and graphics memory"), ("b", "nothing known memory"), ("c", "")]);
        batch.Validate(vocabulary.Count);
        Assert.Equal([0, 1], batch.DocumentTerms(0).ToArray());
        Assert.Equal([2f, 1f], batch.DocumentCounts(0).ToArray());
        Assert.Equal(0, batch.DocumentTerms(1).Length);
        Assert.Equal(0, batch.DocumentTerms(2).Length);
        Assert.Equal((2L, 2L), builder.UnknownTerms["memory"]);
        Assert.Equal(4, builder.UnknownTokens);   // memory ×2, nothing, known
        Assert.Equal(7, builder.Tokens);
    }

    [Fact]
    public void BatchBuilderStreamsAReaderInBatches()
    {
        using var dir = new TempDirectory();
        var source = Folder(dir, Texts)[0];
        var vocabulary = new Vocabulary();
        vocabulary.Add("space");
        using var analyzer = new TextAnalyzer(new AnalyzerSettings());
        var batches = new BatchBuilder(analyzer, vocabulary).Batches(source, 4, new ReadReport()).ToList();
        Assert.Equal([4, 2], batches.Select(b => b.DocumentCount));
        Assert.Equal(3, batches.Sum(b => b.TokenCount));
    }
}
