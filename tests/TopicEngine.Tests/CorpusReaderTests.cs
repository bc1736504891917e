using Parquet;
using Parquet.Schema;
using TopicEngine.Corpus;

namespace TopicEngine.Tests;

public sealed class CorpusReaderTests
{
    private static List<SourceDocument> Read(string input, CorpusFormat format = CorpusFormat.Auto, ReaderOptions? options = null, ReadReport? report = null) =>
        CorpusSources.Open(input, format, options ?? new ReaderOptions()).Read(report ?? new ReadReport()).ToList();

    private static readonly byte[] Latin1Bytes = [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)' ', (byte)'n', (byte)'a', (byte)0xEF, (byte)'v', (byte)'e'];

    [Fact]
    public void TextFolderIsReadRecursivelyInOrdinalOrderWithRelativeKeys()
    {
        using var dir = new TempDirectory();
        dir.Write("b/2.txt", "second");
        dir.Write("a/z", "first");
        dir.WriteGzip("b/1.txt.gz", "compressed text");
        dir.Write(".hidden", "skip me");
        dir.Write("c/empty.txt", "");
        var docs = Read(dir.Path);
        Assert.Equal(["a/z", "b/1.txt.gz", "b/2.txt", "c/empty.txt"], docs.Select(d => d.Key));
        Assert.Equal("compressed text", docs[1].Text);
        Assert.Equal("", docs[3].Text);   // empty documents are kept
    }

    [Fact]
    public void NonUtf8TextFileIsAnErrorNamingTheFile()
    {
        using var dir = new TempDirectory();
        string bad = dir.WriteBytes("latin.txt", Latin1Bytes);
        var e = Assert.Throws<TopicEngineException>(() => Read(dir.Path));
        Assert.Contains(bad, e.Message);
        Assert.Contains("UTF-8", e.Message);
        Assert.Contains("--encoding", e.Message);
    }

    [Fact]
    public void EncodingAutoReadsNonUtf8FilesAsLatin1AndCountsThem()
    {
        using var dir = new TempDirectory();
        dir.WriteBytes("latin.txt", Latin1Bytes);
        dir.Write("utf8.txt", "café naïve");
        var report = new ReadReport();
        var docs = Read(dir.Path, options: new ReaderOptions { Encoding = InputEncoding.Auto }, report: report);
        Assert.All(docs, d => Assert.Equal("café naïve", d.Text));
        Assert.Equal(1, report.Latin1Files);
    }

    [Fact]
    public void SkipModeSkipsAndCountsNonUtf8Files()
    {
        using var dir = new TempDirectory();
        dir.WriteBytes("latin.txt", Latin1Bytes);
        dir.Write("ok.txt", "fine");
        var report = new ReadReport();
        var docs = Read(dir.Path, options: new ReaderOptions { OnError = OnError.Skip }, report: report);
        Assert.Equal(["ok.txt"], docs.Select(d => d.Key));
        Assert.Equal(1, report.Skipped);
    }

    [Fact]
    public void JsonLinesReadsTextAndIdFieldsAndIgnoresBlankLines()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.jsonl", "{\"id\": \"a\", \"body\": \"graphics card\"}\n\n{\"id\": 7, \"body\": null}\n");
        var docs = Read(path, options: new ReaderOptions { TextField = "body", IdField = "id" });
        Assert.Equal(["a", "7"], docs.Select(d => d.Key));
        Assert.Equal(["graphics card", ""], docs.Select(d => d.Text));
    }

    [Fact]
    public void JsonLinesKeysDefaultToFileAndLine()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteGzip("docs.jsonl.gz", "{\"text\": \"one\"}\n{\"text\": \"two\"}\n");
        Assert.Equal(["docs.jsonl.gz:1", "docs.jsonl.gz:2"], Read(path).Select(d => d.Key));
    }

    [Fact]
    public void BadJsonLineFailsNamingFileAndLine()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"broken\n{\"text\": \"ok\"}\n");
        var e = Assert.Throws<TopicEngineException>(() => Read(path));
        Assert.StartsWith($"{path}:2: not valid JSON", e.Message);
        Assert.Contains("--on-error skip", e.Message);
    }

    [Fact]
    public void BadJsonLinesAreCountedInSkipMode()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.jsonl", "{\"text\": \"ok\"}\nnot json\n[1,2]\n{\"other\": 1}\n{\"text\": 5}\n{\"text\": \"fine\"}\n");
        var report = new ReadReport();
        var docs = Read(path, options: new ReaderOptions { OnError = OnError.Skip }, report: report);
        Assert.Equal(["ok", "fine"], docs.Select(d => d.Text));
        Assert.Equal(4, report.Skipped);
        Assert.Contains(report.Examples, m => m.Contains(":4: no field 'text'"));
    }

    [Fact]
    public void MissingTextFieldNamesTheFlag()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.jsonl", "{\"body\": \"x\"}\n");
        var e = Assert.Throws<TopicEngineException>(() => Read(path));
        Assert.Contains("--text-field", e.Message);
    }

    [Fact]
    public void NonUtf8JsonLinesIsAnErrorNamingTheFile()
    {
        using var dir = new TempDirectory();
        byte[] bytes = [.. "{\"text\": \""u8.ToArray(), .. Latin1Bytes, .. "\"}\n"u8.ToArray()];
        string path = dir.WriteBytes("docs.jsonl", bytes);
        var e = Assert.Throws<TopicEngineException>(() => Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void CsvHandlesQuotedCommasQuotesAndNewlines()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.csv", "id,text,extra\n1,\"hello, world\",x\n2,\"she said \"\"hi\"\"\nthen left\",y\n3,plain,z\n");
        var docs = Read(path, options: new ReaderOptions { IdField = "id" });
        Assert.Equal(["1", "2", "3"], docs.Select(d => d.Key));
        Assert.Equal(["hello, world", "she said \"hi\"\nthen left", "plain"], docs.Select(d => d.Text));
        Assert.EndsWith(":5", docs[2].Origin);   // line numbers count the line inside the quoted field
    }

    [Fact]
    public void CsvWithoutTheTextColumnNamesTheFlagAndTheColumns()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.csv", "id,body\n1,x\n");
        var e = Assert.Throws<TopicEngineException>(() => Read(path));
        Assert.Contains("no column 'text'", e.Message);
        Assert.Contains("id, body", e.Message);
        Assert.Contains("--text-field", e.Message);
    }

    [Fact]
    public void CsvRecordWithTooFewColumnsFailsOrIsSkipped()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.csv", "id,text\n1,good\n2\n3,also good\n");
        var e = Assert.Throws<TopicEngineException>(() => Read(path));
        Assert.StartsWith($"{path}:3:", e.Message);

        var report = new ReadReport();
        var docs = Read(path, options: new ReaderOptions { OnError = OnError.Skip }, report: report);
        Assert.Equal(["good", "also good"], docs.Select(d => d.Text));
        Assert.Equal(1, report.Skipped);
    }

    [Fact]
    public void CsvWithAStrayQuoteIsAMalformedRecord()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.csv", "id,text\n1,good\n2,bad \"quote\" here\n3,fine\n");
        var report = new ReadReport();
        var docs = Read(path, options: new ReaderOptions { OnError = OnError.Skip }, report: report);
        Assert.Contains("fine", docs.Select(d => d.Text));
        Assert.Equal(1, report.Skipped);
        Assert.Throws<TopicEngineException>(() => Read(path));
    }

    [Fact]
    public void TsvSplitsOnTabsAndKeepsQuotesLiterally()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docs.tsv", "id\ttext\na\tsaid \"hi\", twice\nb\tsecond\n");
        var docs = Read(path, options: new ReaderOptions { IdField = "id" });
        Assert.Equal(["said \"hi\", twice", "second"], docs.Select(d => d.Text));
    }

    [Fact]
    public async Task ParquetReadsTheTextColumnAndAnIntegerId()
    {
        using var dir = new TempDirectory();
        string path = dir.File("docs.parquet");
        var idField = new DataField<long>("doc_id");
        var textField = new DataField<string>("content");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(idField, textField), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(idField, new long[] { 10, 20 }.AsMemory());
            await group.WriteAsync(textField, new string?[] { "space shuttle", null });
        }
        var docs = Read(path, options: new ReaderOptions { TextField = "content", IdField = "doc_id" });
        Assert.Equal(["10", "20"], docs.Select(d => d.Key));
        Assert.Equal(["space shuttle", ""], docs.Select(d => d.Text));

        var e = Assert.Throws<TopicEngineException>(() => Read(path));
        Assert.Contains("no column 'text'", e.Message);
    }

    [Fact]
    public void UciFolderYieldsEveryDocumentWithVocabularyNames()
    {
        using var dir = new TempDirectory();
        dir.Write("docword.toy.txt", "4\n3\n4\n1 1 2\n1 3 1\n3 2 5\n3 3 1\n");
        dir.Write("vocab.toy.txt", "apple\nbanana\ncherry\n");
        var source = CorpusSources.Open(dir.Path, CorpusFormat.Auto, new ReaderOptions());
        Assert.Equal(CorpusFormat.Uci, source.Format);
        var docs = source.Read(new ReadReport()).ToList();
        Assert.Equal(["1", "2", "3", "4"], docs.Select(d => d.Key));
        Assert.Equal([0, 2], docs[0].TermIndexes!);
        Assert.Equal([2, 1], docs[0].Counts!);
        Assert.Empty(docs[1].TermIndexes!);   // documents without entries are kept, empty
        Assert.Empty(docs[3].TermIndexes!);
        Assert.Equal(["apple", "banana", "cherry"], source.DeclaredTerms);
    }

    [Fact]
    public void UciWithoutVocabularyNamesTermsByTheirIdAndReadsGzip()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteGzip("docword.x.txt.gz", "1\n5\n1\n1 5 3\n");
        var source = CorpusSources.Open(path, CorpusFormat.Auto, new ReaderOptions());
        var doc = Assert.Single(source.Read(new ReadReport()));
        Assert.Equal("w5", source.TermName(doc.TermIndexes![0]));
    }

    [Fact]
    public void UciBadEntryNamesFileAndLine()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("docword.bad.txt", "2\n3\n2\n1 1 1\n1 9 1\n");
        var e = Assert.Throws<TopicEngineException>(() => Read(path));
        Assert.StartsWith($"{path}:5: wordID 9", e.Message);
    }

    [Fact]
    public void LdaCReadsPairsWithVocabularyBeside()
    {
        using var dir = new TempDirectory();
        dir.Write("vocab.txt", "alpha\nbeta\ngamma\n");
        string path = dir.Write("corpus.dat", "2 0:3 2:1\n0\n1 1:4\n");
        var source = CorpusSources.Open(path, CorpusFormat.Auto, new ReaderOptions());
        Assert.Equal(CorpusFormat.Ldac, source.Format);
        var docs = source.Read(new ReadReport()).ToList();
        Assert.Equal(3, docs.Count);
        Assert.Equal([0, 2], docs[0].TermIndexes!);
        Assert.Equal([3, 1], docs[0].Counts!);
        Assert.Empty(docs[1].TermIndexes!);
        Assert.Equal("beta", source.TermName(docs[2].TermIndexes![0]));
    }

    [Fact]
    public void LdaCLineWhoseCountDisagreesIsABadRecord()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("corpus.dat", "2 0:3\n1 0:1\n");
        var e = Assert.Throws<TopicEngineException>(() => Read(path));
        Assert.StartsWith($"{path}:1: declares 2 terms but lists 1", e.Message);
        var report = new ReadReport();
        Assert.Single(Read(path, options: new ReaderOptions { OnError = OnError.Skip }, report: report));
        Assert.Equal(1, report.Skipped);
    }

    [Fact]
    public void MissingPathAndUnknownFormatAreOneLineErrors()
    {
        using var dir = new TempDirectory();
        var missing = Assert.Throws<TopicEngineException>(() => Read(dir.File("nope")));
        Assert.Contains("does not exist", missing.Message);
        string odd = dir.Write("data.xyz", "x");
        var unknown = Assert.Throws<TopicEngineException>(() => Read(odd));
        Assert.Contains("--format", unknown.Message);
        Assert.Throws<TopicEngineException>(() => CorpusSources.ParseFormat("rtf"));
        Assert.Equal(CorpusFormat.Jsonl, CorpusSources.ParseFormat("JSONL"));
    }

    [Theory]
    [InlineData("a.jsonl", "jsonl")]
    [InlineData("a.ndjson.gz", "jsonl")]
    [InlineData("a.csv", "csv")]
    [InlineData("a.tsv", "tsv")]
    [InlineData("a.parquet", "parquet")]
    [InlineData("docword.nips.txt.gz", "uci")]
    [InlineData("train.dat", "ldac")]
    [InlineData("notes.txt", "text")]
    public void FormatIsDetectedFromTheName(string name, string expected) =>
        Assert.Equal(CorpusSources.ParseFormat(expected), CorpusSources.Detect(name, isDirectory: false));
}
