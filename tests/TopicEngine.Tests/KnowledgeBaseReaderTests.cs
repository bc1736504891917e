using System.Text;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;
using TopicEngine.Corpus;
using TopicEngine.Text;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace TopicEngine.Tests;

/// <summary>
/// The file readers of issue 11 (HTML, Markdown, PDF, Word, e-mail), each on a fixture the test writes, analysed with
/// the default analyzer as <c>prepare</c> analyses it: exact terms and counts, and damaged files that end in a
/// counted skip or a one-line error naming the file.
/// </summary>
public sealed class KnowledgeBaseReaderTests
{
    internal static List<SourceDocument> Read(string input, CorpusFormat format = CorpusFormat.Auto, ReaderOptions? options = null, ReadReport? report = null) =>
        CorpusSources.Open(input, format, options ?? new ReaderOptions()).Read(report ?? new ReadReport()).ToList();

    /// <summary>Terms and counts of a text under the default analysis, as "term:count" sorted by term.</summary>
    internal static string Counts(string text)
    {
        using var analyzer = new TextAnalyzer(new AnalyzerSettings());
        return string.Join(" ", analyzer.Terms(text).GroupBy(t => t, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));
    }

    internal const string Html = """
        <!DOCTYPE html>
        <html><head><title>Volcano Survey</title>
        <style>.lava { color: crimson; }</style>
        <script>var magmaTracker = "eruption";</script></head>
        <body class="geology">
        <nav><a href="index.html">Home</a> <a href="https://example.org/ash.html" class="external">Ash clouds</a></nav>
        <p>Basalt &amp; obsidian form when lava cools&nbsp;quickly &mdash; basalt is common.</p>
        <img src="crater.png" alt="crater">
        <noscript>enable javascript</noscript>
        </body></html>
        """;

    [Fact]
    public void HtmlGivesTitleAndVisibleTextWithoutScriptStyleOrAttributes()
    {
        using var dir = new TempDirectory();
        dir.Write("pages/survey.html", Html);
        var docs = Read(dir.Path);
        Assert.Equal(["pages/survey.html"], docs.Select(d => d.Key));
        Assert.Equal("ash:1 basalt:2 clouds:1 common:1 cools:1 form:1 home:1 lava:1 obsidian:1 quickly:1 survey:1 volcano:1", Counts(docs[0].Text!));
    }

    private const string Markdown = """
        # Orchard Pruning

        Read the [apple guide](https://example.org/apple-guide.html) and see ![pear blossom](images/pear.png).

        ```python
        def prune_branches(tree): return trim
        ```

        Winter pruning keeps `shears` sharp.
        """;

    [Fact]
    public void MarkdownKeepsLinkTextAndCodeButDropsTargets()
    {
        using var dir = new TempDirectory();
        dir.Write("notes/orchard.md", Markdown);
        var docs = Read(dir.Path);
        Assert.Equal("apple:1 blossom:1 def:1 guide:1 keeps:1 orchard:1 pear:1 prune_branches:1 pruning:2 read:1 return:1 see:1 sharp:1 shears:1 tree:1 trim:1 winter:1", Counts(docs[0].Text!));
    }

    [Fact]
    public void MarkdownNoCodeDropsFencedCode()
    {
        using var dir = new TempDirectory();
        dir.Write("orchard.markdown", Markdown);
        var docs = Read(dir.Path, options: new ReaderOptions { MarkdownCode = false });
        Assert.Equal("apple:1 blossom:1 guide:1 keeps:1 orchard:1 pear:1 pruning:2 read:1 see:1 sharp:1 shears:1 winter:1", Counts(docs[0].Text!));
    }

    internal static byte[] Pdf(params string[] pageLines)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var line in pageLines)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            if (line.Length > 0) page.AddText(line, 12, new PdfPoint(50, 700), font);
        }
        return builder.Build();
    }

    /// <summary>A builder PDF whose trailer names an encryption dictionary whose password check fails.</summary>
    internal static byte[] EncryptedPdf()
    {
        string pdf = Encoding.Latin1.GetString(Pdf("secret glacier report"));
        int trailer = pdf.LastIndexOf("trailer", StringComparison.Ordinal);
        int open = pdf.IndexOf("<<", trailer, StringComparison.Ordinal);
        string o = new string('A', 64), u = new string('B', 64);
        pdf = pdf[..(open + 2)] + $" /Encrypt << /Filter /Standard /V 1 /R 2 /O <{o}> /U <{u}> /P -4 >> /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] " + pdf[(open + 2)..];
        return Encoding.Latin1.GetBytes(pdf);
    }

    [Fact]
    public void PdfGivesTheTextOfEveryPage()
    {
        using var dir = new TempDirectory();
        dir.WriteBytes("reports/glacier.pdf", Pdf("Glacier retreat measured", "retreat accelerates glacier melt"));
        var docs = Read(dir.Path);
        Assert.Equal("accelerates:1 glacier:2 measured:1 melt:1 retreat:2", Counts(docs[0].Text!));
    }

    [Fact]
    public void EncryptedAndImageOnlyPdfsAreSkippedAndCountedWithTheReason()
    {
        using var dir = new TempDirectory();
        dir.WriteBytes("a-encrypted.pdf", EncryptedPdf());
        dir.WriteBytes("b-blank.pdf", Pdf(""));
        dir.WriteBytes("c-ok.pdf", Pdf("readable tundra"));
        var report = new ReadReport();
        var docs = Read(dir.Path, report: report);   // skipped even under --on-error fail: these files are fine, just without text
        Assert.Equal(["c-ok.pdf"], docs.Select(d => d.Key));
        Assert.Equal(2, report.Skipped);
        Assert.Equal(1, report.SkipsByReason[PdfText.Encrypted]);
        Assert.Equal(1, report.SkipsByReason[PdfText.ImageOnly]);
    }

    [Fact]
    public void DocxGivesParagraphsAndTables()
    {
        using var dir = new TempDirectory();
        using (var stream = new MemoryStream())
        {
            using (var word = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
            {
                var main = word.AddMainDocumentPart();
                main.Document = new W.Document(new W.Body(
                    new W.Paragraph(new W.Run(new W.Text("Harbour inspection"))),
                    new W.Paragraph(new W.Run(new W.Text("Cranes ")), new W.Run(new W.Text("inspected weekly"))),
                    new W.Table(new W.TableRow(
                        new W.TableCell(new W.Paragraph(new W.Run(new W.Text("pier")))),
                        new W.TableCell(new W.Paragraph(new W.Run(new W.Text("cranes"))))))));
            }
            dir.WriteBytes("docs/harbour.docx", stream.ToArray());
        }
        var docs = Read(dir.Path);
        Assert.Equal("cranes:2 harbour:1 inspected:1 inspection:1 pier:1 weekly:1", Counts(docs[0].Text!));
    }

    private static string Base64Lines(string text, Encoding encoding) => Convert.ToBase64String(encoding.GetBytes(text), Base64FormattingOptions.InsertLineBreaks);

    /// <summary>multipart/mixed: an alternative (text/plain base64 in ISO-8859-1, text/html quoted-printable) and an attachment.</summary>
    internal static string Eml() => $"""
        From: Alice <alice@example.org>
        To: bob@example.org
        Subject: Telescope calibration
        Message-ID: <cal-1@example.org>
        X-Mailer: Hermes
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="mixed"

        --mixed
        Content-Type: multipart/alternative; boundary="alt"

        --alt
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: base64

        {Base64Lines("Mirror alignment café finished.\n> earlier quoted mirror remark\n", Encoding.Latin1)}
        --alt
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        <html><body><p>Mirror <font color=3D"red">htmlonly</font> alignment caf=C3=A9 finished.</p></body></html>
        --alt--
        --mixed
        Content-Type: text/plain; name="attached.txt"
        Content-Disposition: attachment; filename="attached.txt"
        Content-Transfer-Encoding: base64

        {Base64Lines("attachment payload words", Encoding.UTF8)}
        --mixed--
        """;

    [Fact]
    public void EmlGivesSubjectAndPlainBodyDecodedWithoutHeadersQuotesOrAttachments()
    {
        using var dir = new TempDirectory();
        dir.Write("mail/cal.eml", Eml().ReplaceLineEndings("\r\n"));
        var docs = Read(dir.Path);
        Assert.Equal(["mail/cal.eml"], docs.Select(d => d.Key));
        Assert.Equal("alignment:1 café:1 calibration:1 finished:1 mirror:1 telescope:1", Counts(docs[0].Text!));
    }

    [Fact]
    public void EmlKeepQuotesKeepsQuotedLines()
    {
        using var dir = new TempDirectory();
        dir.Write("cal.eml", Eml());
        var docs = Read(dir.Path, options: new ReaderOptions { KeepQuotes = true });
        Assert.Equal("alignment:1 café:1 calibration:1 earlier:1 finished:1 mirror:2 quoted:1 remark:1 telescope:1", Counts(docs[0].Text!));
    }

    [Fact]
    public void EmlWithOnlyHtmlIsStrippedAsHtml()
    {
        using var dir = new TempDirectory();
        dir.Write("html.eml", """
            Subject: Lighthouse
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <html><head><style>p {{ color: red }}</style></head><body><p>Beacon <a href=3D"http://x.org/lamp.html">lamp</a> &amp; lens</p></body></html>
            """);
        var docs = Read(dir.Path);
        Assert.Equal("beacon:1 lamp:1 lens:1 lighthouse:1", Counts(docs[0].Text!));
    }

    [Fact]
    public void MboxGivesOneDocumentPerMessageKeyedByMessageIdElseNumber()
    {
        using var dir = new TempDirectory();
        dir.Write("lists/archive.mbox", """
            From alice@example.org Mon Jan  1 00:00:00 2024
            Subject: Rowing practice
            Message-ID: <row-1@example.org>

            Practice moved to dawn.

            From bob@example.org Mon Jan  1 01:00:00 2024
            Subject: Re: Rowing practice

            Dawn suits me.
            > Practice moved to dawn.

            From carol@example.org Mon Jan  1 02:00:00 2024
            Subject: Regatta
            Message-ID: <row-3@example.org>
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Regatta entries close soon=2E
            """);
        var report = new ReadReport();
        var docs = Read(dir.Path, report: report);
        Assert.Equal(["lists/archive.mbox#row-1@example.org", "lists/archive.mbox#2", "lists/archive.mbox#row-3@example.org"], docs.Select(d => d.Key));
        Assert.Equal("dawn:1 moved:1 practice:2 rowing:1", Counts(docs[0].Text!));
        Assert.Equal("dawn:1 practice:1 rowing:1 suits:1", Counts(docs[1].Text!));
        Assert.Equal("close:1 entries:1 regatta:2 soon:1", Counts(docs[2].Text!));
        Assert.Equal(3, report.DocumentsByType["email"]);
    }

    [Fact]
    public void FormatOverridesTheExtension()
    {
        using var dir = new TempDirectory();
        dir.Write("page.txt", "<html><body><p>Canyon <b>trail</b></p><script>hidden()</script></body></html>");
        Assert.Equal("body:2 canyon:1 hidden:1 html:2 script:2 trail:1", Counts(Read(dir.Path)[0].Text!));
        Assert.Equal("canyon:1 trail:1", Counts(Read(dir.Path, CorpusFormat.Html)[0].Text!));
        dir.Write("notes.md", "[link text](https://example.org/target.html)");
        Assert.Equal("[link text](https://example.org/target.html)", Read(dir.File("notes.md"), CorpusFormat.Text)[0].Text);   // --format text: as it is
        Assert.Equal("link text", Read(dir.File("notes.md"))[0].Text!.Trim());                                                  // by extension: Markdown
    }

    public static TheoryData<string, byte[]> DamagedFiles() => new()
    {
        { "bad.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\nthis is not a pdf at all") },
        { "bad.docx", Encoding.ASCII.GetBytes("PK\u0003\u0004 broken zip") },
        { "bad.html", [0x3C, 0x70, 0x3E, 0xFF, 0xFE, 0x3C] },
        { "bad.md", [0x23, 0x20, 0xC3, 0x28] },
        { "bad.mbox", Encoding.ASCII.GetBytes("no mbox separator line here\n\nbody") },
        { "bad.mbox.gz", [0x1F, 0x8B, 0x08, 0x00, 0x42] },
        { "bad.eml", [.. "not a header line"u8, 0xFF, 0x00, 0x0A] },   // no "Name:" header: MimeKit cannot parse the message
    };

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public void DamagedFileIsACountedSkipOrAOneLineErrorNamingIt(string name, byte[] bytes)
    {
        using var dir = new TempDirectory();
        string bad = dir.WriteBytes(name, bytes);
        dir.Write("ok.txt", "fine words");
        var report = new ReadReport();
        var docs = Read(dir.Path, options: new ReaderOptions { OnError = OnError.Skip }, report: report);
        Assert.Equal(["ok.txt"], docs.Select(d => d.Key));
        Assert.Equal(1, report.Skipped);
        var e = Assert.Throws<TopicEngineException>(() => Read(dir.Path));
        Assert.Contains(bad, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
