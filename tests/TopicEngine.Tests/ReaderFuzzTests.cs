using System.Text;
using CsCheck;
using DocumentFormat.OpenXml.Packaging;
using Parquet;
using Parquet.Schema;
using TopicEngine.Corpus;
using TopicEngine.Model;
using TopicEngine.Storage;
using Xunit.Abstractions;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace TopicEngine.Tests;

/// <summary>
/// Malformed input at every reader (issue 15): random bytes, invalid UTF-8, truncation and damage of a valid file, huge
/// lines, deep nesting, broken quoting, out-of-range ids and negative counts, wrong Parquet column types, truncated
/// model files. Every case must end in a document stream or a one-line <see cref="TopicEngineException"/> (a counted
/// skip under <c>--on-error skip</c>), within <see cref="FuzzCase.Timeout"/>; the number of cases per reader is printed.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ReaderFuzzTests(ITestOutputHelper output)
{
    /// <summary>Documents read per case at most: a header may declare billions of empty documents, which is valid input.</summary>
    private const int MaxDocuments = 100_000;

    private static readonly ReaderOptions[] Options =
    [
        new(),
        new() { OnError = OnError.Skip, Encoding = InputEncoding.Auto, IdField = "id" },
    ];

    /// <summary>Reads every document of <paramref name="path"/> and checks each: text, or positive counts of terms the source can name.</summary>
    private static void ReadAll(string path, CorpusFormat format, ReaderOptions options)
    {
        var report = new ReadReport();
        var source = CorpusSources.Open(path, format, options);
        int n = 0;
        foreach (var document in source.Read(report))
        {
            Assert.NotNull(document.Key);
            if (document.IsCounted)
            {
                Assert.Equal(document.TermIndexes!.Length, document.Counts!.Length);
                for (int i = 0; i < document.Counts.Length; i++)
                {
                    Assert.True(document.Counts[i] > 0, $"count {document.Counts[i]} in {document.Origin}");
                    Assert.True(document.TermIndexes[i] >= 0, $"term index {document.TermIndexes[i]} in {document.Origin}");
                    Assert.NotNull(source.TermName(document.TermIndexes[i]));
                }
            }
            else Assert.NotNull(document.Text);
            if (++n >= MaxDocuments) break;
        }
        if (options.OnError == OnError.Fail) Assert.Equal(0, report.Skipped - report.SkipsByReason.Where(r => r.Key != "did not parse").Sum(r => r.Value));
    }

    /// <summary>Writes <paramref name="files"/> into a fresh folder and reads <paramref name="input"/> (relative) under each option set.</summary>
    private static void ReadFiles(IReadOnlyList<(string Name, byte[] Bytes)> files, string input, CorpusFormat format = CorpusFormat.Auto)
    {
        using var dir = new TempDirectory();
        foreach (var (name, bytes) in files) dir.WriteBytes(name, bytes);
        foreach (var options in Options) FuzzCase.Run(input, () => ReadAll(dir.File(input), format, options));
    }

    private void Fuzz(string target, Gen<byte[]> gen, int iterations, string fileName, CorpusFormat format = CorpusFormat.Auto, params (string Name, byte[] Bytes)[] beside) =>
        FuzzCase.Sample(output, target, gen, iterations, bytes => ReadFiles([(fileName, bytes), .. beside], fileName, format));

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static Gen<byte[]> Concat(string prefix, Gen<string[]> parts) => parts.Select(p => Utf8(prefix + string.Concat(p)));

    [Fact]
    public void TextFiles() =>
        Fuzz("text", Damage.Of(Utf8("Café naïve words about the space shuttle.\nSecond line\r\n\tand a tab.\n")), 200, "doc.txt");

    [Fact]
    public void GzipTextFiles()
    {
        using var dir = new TempDirectory();
        byte[] valid = File.ReadAllBytes(dir.WriteGzip("x.gz", "gzip words about orbit and launch\n"));
        Fuzz("text .gz", Damage.Of(valid), 100, "doc.txt.gz");
    }

    private const string JsonLines = "{\"id\": \"a\", \"text\": \"graphics card\"}\n\n{\"id\": 7, \"text\": null}\n{\"id\": \"c\", \"text\": \"caf\\u00e9 \\\"quoted\\\"\", \"extra\": [1, {\"x\": 2}]}\n";

    [Fact]
    public void JsonLinesDamaged() => Fuzz("jsonl", Damage.Of(Utf8(JsonLines)), 200, "docs.jsonl");

    [Fact]
    public void JsonLinesFromFragments() =>
        Fuzz("jsonl fragments", Concat("", Gen.OneOf("{", "}", "[", "]", "\"text\"", "\"id\"", ":", ",", "\"word\"", "null", "1e999", "-0", "\\u", "\"\\ud800\"", "\n", " ", "true").Array[0, 200]),
            200, "docs.jsonl");

    [Fact]
    public void JsonLinesDeeplyNestedAndHuge()
    {
        var nested = Gen.Select(Gen.Int[1, 200_000], Gen.OneOf("[", "{\"a\":"), (depth, open) =>
            Utf8("{\"text\": " + string.Concat(Enumerable.Repeat(open, depth)) + "1\n{\"text\": \"after\"}\n"));
        var huge = Gen.Int[1, 4_000_000].Select(length => Utf8("{\"text\": \"" + new string('w', length) + "\"}\n"));
        var unterminated = Gen.Int[1, 4_000_000].Select(length => Utf8("{\"text\": \"" + new string('x', length)));
        Fuzz("jsonl nested/huge", Gen.Frequency((3, nested), (1, huge), (1, unterminated)), 30, "docs.jsonl");
    }

    [Fact]
    public void CsvBrokenQuoting() =>
        Fuzz("csv", Gen.Frequency(
                (3, Concat("id,text\n", Gen.OneOf(",", "\"", "\"\"", "\n", "\r\n", "\r", "word", "a b", " ", "\t").Array[0, 200])),
                (2, Damage.Of(Utf8("id,text\n1,\"quoted, with comma\"\n2,\"multi\nline \"\"quote\"\"\"\n3,plain\n")))),
            250, "docs.csv");

    [Fact]
    public void TsvDamaged() =>
        Fuzz("tsv", Gen.Frequency(
                (2, Concat("id\ttext\n", Gen.OneOf("\t", "\"", "\n", "\r\n", "word", " ").Array[0, 200])),
                (2, Damage.Of(Utf8("id\ttext\n1\tfirst doc\n2\tsecond \"doc\"\n")))),
            150, "docs.tsv");

    /// <summary>A column and how to write it (Parquet.Net writes each type through its own overload).</summary>
    private sealed record Column(DataField Field, Func<ParquetRowGroupWriter, DataField, Task> Write);

    private static Column Of<T>(string name, params T[] values) where T : struct => new(new DataField<T>(name), (g, f) => g.WriteAsync<T>(f, values.AsMemory()));
    private static Column Nullable<T>(string name, params T?[] values) where T : struct => new(new DataField<T?>(name), (g, f) => g.WriteAsync<T>(f, values.AsMemory()));
    private static Column Strings(string name, params string?[] values) => new(new DataField<string>(name), (g, f) => g.WriteAsync(f, values!));
    private static Column Bytes(string name, params byte[][] values) => new(new DataField<byte[]>(name), (g, f) => g.WriteAsync(f, values));

    private static byte[] ParquetFile(params Column[] columns)
    {
        using var stream = new MemoryStream();
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray()), stream).GetAwaiter().GetResult();
        using (var group = writer.CreateRowGroup())
            foreach (var column in columns) column.Write(group, column.Field).GetAwaiter().GetResult();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return stream.ToArray();
    }

    [Fact]
    public void ParquetDamaged() =>
        Fuzz("parquet", Damage.Of(ParquetFile(Of<long>("id", 1, 2, 3), Strings("text", "space shuttle", "orbit", ""))), 200, "docs.parquet");

    [Fact]
    public void ParquetWrongColumnTypes()
    {
        // The text and id columns as every other type Parquet.Net writes.
        Column[] texts =
        [
            Of("text", 1, 2), Nullable<long>("text", 1, null), Of("text", double.NaN, 1e300), Of("text", true, false),
            Of("text", DateTime.UnixEpoch, DateTime.MaxValue), Of("text", 1.5m, -2m), Bytes("text", [0xFF, 0xFE], [0xC3, 0x28]),
            Strings("text", "fine", "text"), Strings("TEXT", "other", "case"), Strings("body", "no", "text"),
        ];
        Column[] ids = [Of("id", 1.0, 2.0), Strings("id", null, "b"), Nullable<int>("id", 1, null), Of("id", true, false), Of("other", 1f, 2f), Bytes("id", [0xFF], [0x41])];
        var files = texts.SelectMany(_ => ids, (text, id) => ParquetFile(id, text)).ToArray();
        Fuzz("parquet wrong types", Gen.Int[0, files.Length - 1].Select(i => files[i]), files.Length * 2, "docs.parquet");
    }

    /// <summary>UCI docword with header values and triples drawn around the valid ranges: ids out of range, negative and huge counts.</summary>
    [Fact]
    public void UciOutOfRange()
    {
        var number = Gen.Frequency((6, Gen.Long[-3, 12]), (1, Gen.Long[int.MaxValue - 2L, int.MaxValue + 3L]), (1, Gen.Long)).Select(v => v.ToString());
        var token = Gen.Frequency((8, number), (1, Gen.OneOf("x", "1.5", "", "-", "1e3", " ", "\t")));
        var triple = Gen.Select(token, token, token, (d, w, c) => $"{d} {w} {c}\n");
        var docword = Gen.Select(number, number, number, triple.Array[0, 30], (d, w, nnz, lines) => Utf8($"{d}\n{w}\n{nnz}\n{string.Concat(lines)}"));
        var vocab = Gen.Int[0, 14].Select(n => Utf8(string.Concat(Enumerable.Range(0, n).Select(i => $"term{i}\n"))));
        var valid = Utf8("3\n4\n4\n1 1 2\n1 3 1\n3 2 5\n3 4 1\n");
        FuzzCase.Sample(output, "uci", Gen.Select(Gen.Frequency((3, docword), (2, Damage.Of(valid))), vocab, Gen.Bool, (d, v, withVocab) => (d, v, withVocab)), 300,
            c => ReadFiles(c.withVocab ? [("docword.toy.txt", c.d), ("vocab.toy.txt", c.v)] : [("docword.toy.txt", c.d)], "docword.toy.txt"));
    }

    /// <summary>LDA-C lines with ids outside vocab.txt, negative or zero counts, wrong declared term counts.</summary>
    [Fact]
    public void LdaCOutOfRange()
    {
        var number = Gen.Frequency((6, Gen.Long[-3, 12]), (1, Gen.Long[int.MaxValue - 2L, int.MaxValue + 3L]), (1, Gen.Long)).Select(v => v.ToString());
        var pair = Gen.Frequency((8, Gen.Select(number, number, (id, count) => $"{id}:{count}")), (1, Gen.OneOf(":", "1:", ":1", "a:b", "1:2:3", "")));
        var line = Gen.Select(number, pair.Array[0, 8], (m, pairs) => $"{m} {string.Join(' ', pairs)}\n");
        var dat = Gen.Frequency((3, line.Array[0, 20].Select(lines => Utf8(string.Concat(lines)))), (2, Damage.Of(Utf8("2 0:1 3:2\n1 1:5\n0\n"))));
        var vocab = Gen.Int[0, 14].Select(n => Utf8(string.Concat(Enumerable.Range(0, n).Select(i => $"term{i}\n"))));
        FuzzCase.Sample(output, "ldac", Gen.Select(dat, vocab, Gen.Bool, (d, v, withVocab) => (d, v, withVocab)), 300,
            c => ReadFiles(c.withVocab ? [("docs.dat", c.d), ("vocab.txt", c.v)] : [("docs.dat", c.d)], "docs.dat", CorpusFormat.Ldac));
    }

    private const string Html = "<!DOCTYPE html><html><head><title>Canyon</title><style>p{}</style></head><body><p>Canyon <b>trail</b> &amp; r&eacute;sum&#233;</p><script>hidden()</script><table><tr><td>cell</td></tr></table></body></html>";

    [Fact]
    public void HtmlDamagedAndDeep()
    {
        var deep = Gen.Select(Gen.Int[1, 3_000], Gen.OneOf("<div>", "<b><i>", "<table><tr><td>", "<ul><li>", "<p>", "<a href=x>"), Gen.Bool,
            (depth, open, closed) => Utf8("<html><body>" + string.Concat(Enumerable.Repeat(open, depth)) + "deep words" + (closed ? string.Concat(Enumerable.Repeat("</div>", depth)) : "")));
        Fuzz("html", Gen.Frequency((4, Damage.Of(Utf8(Html))), (1, deep)), 150, "page.html");
    }

    private const string Markdown = "# Orchard guide\n\nPruning *pear* and [apple](https://example.org/a.html) trees.\n\n```\ncode block\n```\n\n> quoted\n\n- item\n  - nested\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

    [Fact]
    public void MarkdownDamagedAndDeep()
    {
        var deep = Gen.Select(Gen.Int[1, 3_000], Gen.OneOf(">", "[", "*", "- ", "  - ", "<div>", "`", "!["), (depth, open) =>
            Utf8(string.Concat(Enumerable.Repeat(open, depth)) + " deep words\n"));
        Fuzz("markdown", Gen.Frequency((4, Damage.Of(Utf8(Markdown))), (1, deep)), 150, "notes.md");
    }

    [Fact]
    public void PdfDamaged() =>
        Fuzz("pdf", Gen.Frequency((5, Damage.Of(KnowledgeBaseReaderTests.Pdf("Glacier retreat measured", "second page words"))), (1, Damage.Of(KnowledgeBaseReaderTests.EncryptedPdf()))),
            100, "report.pdf");

    private static byte[] Docx()
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(
                new W.Paragraph(new W.Run(new W.Text("Harbour inspection"))),
                new W.Table(new W.TableRow(new W.TableCell(new W.Paragraph(new W.Run(new W.Text("pier"))))))));
        }
        return stream.ToArray();
    }

    [Fact]
    public void DocxDamaged() => Fuzz("docx", Damage.Of(Docx()), 100, "memo.docx");

    [Fact]
    public void EmailDamagedAndDeep()
    {
        string eml = KnowledgeBaseReaderTests.Eml();
        var deep = Gen.Int[1, 2_000].Select(depth =>
            Utf8("Subject: deep\nMIME-Version: 1.0\n" + string.Concat(Enumerable.Range(0, depth).Select(i => $"Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n")) + "Content-Type: text/plain\n\nbody words\n"));
        Fuzz("eml", Gen.Frequency((4, Damage.Of(Utf8(eml))), (1, deep)), 150, "message.eml");
        string mbox = "From alice@example.org Mon Jan 1 00:00:00 2026\n" + eml + "\nFrom bob@example.org Mon Jan 1 00:00:00 2026\nSubject: second\n\nsecond body\n";
        Fuzz("mbox", Damage.Of(Utf8(mbox)), 100, "archive.mbox");
    }

    private static byte[] Npy(string header, int dataBytes)
    {
        var head = Encoding.Latin1.GetBytes(header);
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)head.Length, (byte)(head.Length >> 8), .. head, .. new byte[dataBytes]];
    }

    [Fact]
    public void NpyDamaged()
    {
        var valid = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }          \n", 24);
        var header = Gen.Select(Gen.OneOf("<f4", "<f8", "<i4", ">f4", "|b1"), Gen.OneOf("False", "True"), Gen.Long[-2, 100_000], Gen.Long[-2, 100_000],
            Gen.OneOf("0", "999999999999", "4294967296", "2147483647"), Gen.Int[0, 64],
            (descr, fortran, rows, cols, big, data) => Npy($"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': ({rows}, {(data % 2 == 0 ? cols.ToString() : big)}), }}\n", data));
        var nonFinite = Gen.OneOf(float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f).Select(v =>
        {
            var bytes = (byte[])valid.Clone();
            BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 4), v);
            return bytes;
        });
        FuzzCase.Sample(output, "npy", Gen.Frequency((3, Damage.Of(valid)), (2, header), (1, nonFinite)), 200, bytes =>
        {
            using var dir = new TempDirectory();
            string path = dir.WriteBytes("topics.npy", bytes);
            var (values, rows, columns) = NpyFile.ReadMatrix(path);
            Assert.Equal((long)rows * columns, values.Length);
            Assert.All(values, v => Assert.True(float.IsFinite(v), "a non-finite value passed the .npy reader"));
        });
    }

    /// <summary>One file of a saved model truncated, damaged or emptied: loading fails with a message naming it (checksums), model.json included.</summary>
    [Fact]
    public void ModelFilesTruncatedOrDamaged()
    {
        using var template = new TempDirectory();
        ModelDirectory.Save(template.Path, ModelTestData.Snapshot());
        string version = ModelDirectory.ResolveFiles(template.Path);
        var names = Directory.GetFiles(version).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var originals = names.Select(n => File.ReadAllBytes(Path.Combine(version, n!))).ToArray();
        var gen = Gen.Int[0, names.Length - 1].SelectMany(i => Damage.Of(originals[i]).Select(bytes => (i, bytes)));
        FuzzCase.Sample(output, "model files", gen, 150, c =>
        {
            File.WriteAllBytes(Path.Combine(version, names[c.i]!), c.bytes);
            try
            {
                var error = FuzzCase.Run(names[c.i]!, () => TopicModel.Load(template.Path).Dispose());
                // Only an undamaged file loads; model.json (which holds the checksums) may be damaged into another valid manifest.
                if (error is null && names[c.i] != "model.json") Assert.Equal(originals[c.i], c.bytes);
                else if (error is not null) Assert.Contains(names[c.i]!, error.Message);
            }
            finally { File.WriteAllBytes(Path.Combine(version, names[c.i]!), originals[c.i]); }
        });
    }

    /// <summary>The model's readers themselves, behind the checksums: damaged λ, vocabulary and model.json. A damaged
    /// lambda.parquet of 654 bytes once kept Parquet.Net busy past the 120 s case timeout (found by this test, fixed by
    /// ParquetGuard); <see cref="ModelFilesTruncatedOrDamaged"/> shows the checksum check refuses such a file first.</summary>
    [Fact]
    public void ModelFileReadersBehindTheChecksums()
    {
        using var template = new TempDirectory();
        var snapshot = ModelTestData.Snapshot();
        ModelDirectory.Save(template.Path, snapshot);
        string version = ModelDirectory.ResolveFiles(template.Path);
        var readers = new (string Name, Action<string> Read)[]
        {
            (LambdaFile.FileName, path => LambdaFile.ReadAsync(path, snapshot.Topics, snapshot.VocabularySize).GetAwaiter().GetResult()),
            ("vocabulary.parquet", path => VocabularyFile.Read(path)),
            ("model.json", path => ModelManifest.ReadAsync(path).GetAwaiter().GetResult()),
        };
        var originals = readers.Select(r => File.ReadAllBytes(Path.Combine(version, r.Name))).ToArray();
        var gen = Gen.Int[0, readers.Length - 1].SelectMany(i => Damage.Of(originals[i]).Select(bytes => (i, bytes)));
        FuzzCase.Sample(output, "model file readers", gen, 200, c =>
        {
            using var dir = new TempDirectory();
            string path = dir.WriteBytes(readers[c.i].Name, c.bytes);
            readers[c.i].Read(path);
        });
    }
}
