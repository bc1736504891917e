using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using TopicEngine.Corpus;
using TopicEngine.Text;

namespace TopicEngine.Tests;

/// <summary>
/// Raw e-mails held in the text field of JSONL, CSV and Parquet records (<c>--format email</c> on such a file, or
/// <c>--content email</c>), read exactly as an .eml file is; and e-mail attachments, skipped and counted by default,
/// read into their message's document with <c>--attachments</c>.
/// </summary>
public sealed class EmailRecordsAndAttachmentsTests
{
    /// <summary>The terms of <see cref="KnowledgeBaseReaderTests.Eml"/> as the .eml reader gives them.</summary>
    private const string EmlTerms = "alignment:1 café:1 calibration:1 finished:1 mirror:1 telescope:1";

    private static List<SourceDocument> Read(string input, CorpusFormat format = CorpusFormat.Auto, ReaderOptions? options = null, ReadReport? report = null) =>
        CorpusSources.Open(input, format, options ?? new ReaderOptions()).Read(report ?? new ReadReport()).ToList();

    private static string Counts(string text)
    {
        using var analyzer = new TextAnalyzer(new AnalyzerSettings());
        return string.Join(" ", analyzer.Terms(text).GroupBy(t => t, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));
    }

    private const string Mbox = "From alice@example.org Mon Jan  1 00:00:00 2024\nSubject: Rowing practice\nMessage-ID: <row-1@example.org>\nX-Spam-Status: No\n\nPractice moved to dawn.\n";

    private static string JsonLines(params string[] messages) =>
        string.Join("\n", messages.Select((m, i) => JsonSerializer.Serialize(new { id = $"m{i + 1}", raw = m }))) + "\n";

    [Fact]
    public void JsonlFieldsWithRawMessagesAreReadAsEmlFilesAre()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("mail.jsonl", JsonLines(KnowledgeBaseReaderTests.Eml().ReplaceLineEndings("\r\n"), Mbox));
        var report = new ReadReport();
        var docs = Read(path, CorpusFormat.Email, new ReaderOptions { TextField = "raw", IdField = "id" }, report);
        Assert.Equal(["m1", "m2"], docs.Select(d => d.Key));
        Assert.Equal(EmlTerms, Counts(docs[0].Text!));
        Assert.Equal("dawn:1 moved:1 practice:2 rowing:1", Counts(docs[1].Text!));   // a leading mbox "From " line is allowed
        Assert.Equal(2, report.DocumentsByType["email"]);
        Assert.Equal(1, report.AttachmentsSkipped);

        // --content email with the format detected from the name is the same reading
        var same = Read(path, options: new ReaderOptions { TextField = "raw", IdField = "id", Content = FieldContent.Email });
        Assert.Equal(docs.Select(d => d.Text), same.Select(d => d.Text));
        // without it, the field is plain text: headers and encoded bodies reach the analysis
        Assert.Contains("boundary", Read(path, options: new ReaderOptions { TextField = "raw" })[0].Text);
    }

    [Fact]
    public void CsvAndTsvFieldsWithRawMessagesAreReadAsEmlFilesAre()
    {
        using var dir = new TempDirectory();
        string eml = KnowledgeBaseReaderTests.Eml().ReplaceLineEndings("\r\n");
        string path = dir.Write("mail.csv", "id,message\n7,\"" + eml.Replace("\"", "\"\"") + "\"\n");
        var docs = Read(path, CorpusFormat.Email, new ReaderOptions { TextField = "message", IdField = "id" });
        Assert.Equal("7", Assert.Single(docs).Key);
        Assert.Equal(EmlTerms, Counts(docs[0].Text!));
    }

    [Fact]
    public async Task ParquetFieldsWithRawMessagesAreReadAsEmlFilesAre()
    {
        using var dir = new TempDirectory();
        string path = dir.File("mail.parquet");
        var textField = new DataField<string>("text");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(textField), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(textField, new string?[] { KnowledgeBaseReaderTests.Eml(), null });
        }
        var report = new ReadReport();
        var docs = Read(path, options: new ReaderOptions { Content = FieldContent.Email }, report: report);
        Assert.Equal(["mail.parquet:1", "mail.parquet:2"], docs.Select(d => d.Key));
        Assert.Equal(EmlTerms, Counts(docs[0].Text!));
        Assert.Equal("", docs[1].Text);
        Assert.Equal(2, report.DocumentsByType["email"]);
    }

    [Fact]
    public void ContentNamesOnlyRecordFormats()
    {
        using var dir = new TempDirectory();
        dir.Write("notes/a.txt", "plain words");
        var e = Assert.Throws<TopicEngineException>(() => Read(dir.File("notes"), options: new ReaderOptions { Content = FieldContent.Email }));
        Assert.Contains("--content email reads the text field of JSONL, CSV/TSV or Parquet records", e.Message);
    }

    [Fact]
    public void HtmlAndMarkdownFieldsAreReadAsHtmlAndMarkdownFilesAre()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("pages.jsonl", JsonSerializer.Serialize(new { text = KnowledgeBaseReaderTests.Html }) + "\n");
        Assert.Equal("ash:1 basalt:2 clouds:1 common:1 cools:1 form:1 home:1 lava:1 obsidian:1 quickly:1 survey:1 volcano:1",
            Counts(Assert.Single(Read(path, CorpusFormat.Html)).Text!));
        string md = dir.Write("notes.jsonl", JsonSerializer.Serialize(new { text = "Read the [apple guide](https://example.org/apple-guide.html)." }) + "\n");
        Assert.Equal("apple:1 guide:1 read:1", Counts(Assert.Single(Read(md, options: new ReaderOptions { Content = FieldContent.Markdown })).Text!));
    }

    /// <summary>A message with a plain body, an HTML attachment, a text attachment and an image.</summary>
    private static string EmlWithAttachments() => $"""
        From: Dana <dana@example.org>
        Subject: Harbour survey
        Message-ID: <survey-1@example.org>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        Soundings attached.
        --b1
        Content-Type: text/html; charset=utf-8; name="depths.html"
        Content-Disposition: attachment; filename="depths.html"
        Content-Transfer-Encoding: quoted-printable

        <html><head><title>Depth chart</title><script>var hidden =3D 1;</script></head><body><p>Channel <a href=3D"http://x.org/c.html">dredged</a> &amp; buoyed</p></body></html>
        --b1
        Content-Type: text/plain; charset=iso-8859-1; name="notes.txt"
        Content-Disposition: attachment; filename="notes.txt"
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Encoding.Latin1.GetBytes("tide gauge réglage"))}
        --b1
        Content-Type: image/png; name="chart.png"
        Content-Disposition: attachment; filename="chart.png"
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --b1--
        """;

    [Fact]
    public void AttachmentsAreSkippedAndCountedByDefault()
    {
        using var dir = new TempDirectory();
        dir.Write("mail/survey.eml", EmlWithAttachments());
        var report = new ReadReport();
        var docs = Read(dir.Path, report: report);
        Assert.Equal("attached:1 harbour:1 soundings:1 survey:1", Counts(Assert.Single(docs).Text!));
        Assert.Equal(0, report.AttachmentsRead);
        Assert.Equal(3, report.AttachmentsSkipped);
    }

    [Fact]
    public void AttachmentsOptionReadsHtmlAndTextAttachmentsIntoTheMessagesDocument()
    {
        using var dir = new TempDirectory();
        dir.Write("mail/survey.eml", EmlWithAttachments());
        var report = new ReadReport();
        var docs = Read(dir.Path, options: new ReaderOptions { Attachments = true }, report: report);
        Assert.Equal(["mail/survey.eml"], docs.Select(d => d.Key));   // one document: the message with its attachments
        Assert.Equal("attached:1 buoyed:1 channel:1 chart:1 depth:1 dredged:1 gauge:1 harbour:1 réglage:1 soundings:1 survey:1 tide:1",
            Counts(docs[0].Text!));
        Assert.Equal(2, report.AttachmentsRead);
        Assert.Equal(1, report.AttachmentsSkipped);   // the image
    }

    [Fact]
    public void DamagedEmailFieldIsACountedSkipOrAOneLineErrorNamingTheRecord()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("mail.jsonl", JsonLines(Mbox, "not a header line \u00ff"));
        var report = new ReadReport();
        var docs = Read(path, CorpusFormat.Email, new ReaderOptions { TextField = "raw", OnError = OnError.Skip }, report);
        Assert.Equal("mail.jsonl:1", Assert.Single(docs).Key);
        Assert.Equal(1, report.SkipsByReason["unreadable email"]);
        var e = Assert.Throws<TopicEngineException>(() => Read(path, CorpusFormat.Email, new ReaderOptions { TextField = "raw" }));
        Assert.StartsWith($"{path}:2: field 'raw' is not a readable email", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void QuotedRepliesAttributionsOriginalMessagesAndForwardedHeadersAreDroppedUnlessKeepQuotes()
    {
        using var dir = new TempDirectory();
        dir.Write("reply.eml", """
            Subject: Kayak rental
            Content-Type: text/plain

            Paddles included.
            URL: http://freshmeat.net/projects/kayak/
            On Mon, 1 Jan 2024, Bob Smith wrote:
            > Are paddles included?
            ---------- Forwarded message ----------
            From: Carol <carol@example.org>
            Date: Tue, 2 Jan 2024 10:00:00
            To: Dan <dan@example.org>
            Subject: Lake map
            Shoreline campsites.
            -----Original Message-----
            From: Bob Smith
            Sent: Monday, January 01, 2024 9:00 AM
            Are oars included?
            """);
        Assert.Equal("campsites:1 included:1 kayak:1 lake:1 map:1 paddles:1 rental:1 shoreline:1", Counts(Assert.Single(Read(dir.Path)).Text!));
        string kept = Counts(Assert.Single(Read(dir.Path, options: new ReaderOptions { KeepQuotes = true })).Text!);
        Assert.Contains("oars:1", kept);
        Assert.Contains("wrote:1", kept);
        Assert.Contains("sent:1", kept);
    }

    [Fact]
    public void HtmlSentAsTextPlainIsStrippedAsHtml()
    {
        using var dir = new TempDirectory();
        dir.Write("newsletter.eml", """
            Subject: Weekly digest
            Content-Type: text/plain; charset=iso-8859-1

            <html><head><style>TABLE.sub { border: solid 1px #000000; }</style></head>
            <body bgcolor=ffffff><font size=2 face=verdana>Glacier <span class="headline">melt</span> <a href=http://x.org/>report</a></font></body></html>
            """);
        Assert.Equal("digest:1 glacier:1 melt:1 report:1 weekly:1", Counts(Assert.Single(Read(dir.Path)).Text!));
    }
}
