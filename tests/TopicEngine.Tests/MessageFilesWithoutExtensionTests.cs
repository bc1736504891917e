using TopicEngine.Corpus;

namespace TopicEngine.Tests;

/// <summary>
/// Messages kept as files without an e-mail extension (a news spool's articles, a Maildir folder, an mbox named
/// <c>Inbox</c>) are read as e-mail by their content, and the e-mail reader leaves out what is no text: Usenet
/// attributions, signatures, uuencoded files and base64 pasted into the body.
/// </summary>
public sealed class MessageFilesWithoutExtensionTests
{
    private static List<SourceDocument> Read(string input, CorpusFormat format = CorpusFormat.Auto, ReaderOptions? options = null, ReadReport? report = null) =>
        KnowledgeBaseReaderTests.Read(input, format, options, report);

    private static string Counts(string text) => KnowledgeBaseReaderTests.Counts(text);

    /// <summary>A 20news-style article: a header cut off before the file starts, news headers, an attribution, a quote,
    /// a uuencoded file, PGP armour and a signature.</summary>
    private const string Article = """
         news.host.example!relay.example!poster
        From: poster@host.example (Pat Poster)
        Subject: Re: Glacier retreat
        Organization: Alpine Institute
        Lines: 20

        In article <1993Apr1.1@host.example>, other@host.example (Olga Other) writes:
        > the glaciers grow
        Glacier retreat measured again.
        begin 644 chart.gif
        M  $" P0%!@<("0H+# T.#Q 1$A,4%187&!D:&QP='A\@(2(C)"4F)R@I*BLL
        M+2XO,#$R,S0U-C<X.3H[/#T^/T!!0D-$149'2$E*2TQ-3D]045)35%565UA9
        `
        end
        -----BEGIN PGP SIGNATURE-----
        iQCVAgUBK7nAAcLjxJpqq0pBAQGbbQP/Wq2mUfH6b5Pr8zX0c9hRbYlA3kX0oqJ7
        -----END PGP SIGNATURE-----
        --
        Pat Poster, Alpine Institute
        pager 555 0100
        """;

    [Fact]
    public void ArticleWithoutExtensionIsReadAsEmailWithoutHeadersQuotesSignatureOrBinaries()
    {
        using var dir = new TempDirectory();
        dir.Write("sci.geo/51157", Article);
        var report = new ReadReport();
        var docs = Read(dir.Path, report: report);
        Assert.Equal(["sci.geo/51157"], docs.Select(d => d.Key));
        Assert.Equal(1, report.DocumentsByType["email"]);
        // subject and body only: no poster, organization, attribution, quote, uuencoded or armoured tokens, no signature
        Assert.Equal("glacier:2 measured:1 retreat:2", Counts(docs[0].Text!));
    }

    [Fact]
    public void FormatTextKeepsTheArticleAsItIs()
    {
        using var dir = new TempDirectory();
        dir.Write("51157", Article);
        var docs = Read(dir.File("51157"), CorpusFormat.Text);
        Assert.Contains("Organization: Alpine Institute", docs[0].Text);
    }

    [Fact]
    public void MaildirMessageWithLongReceivedChainIsReadAsEmail()
    {
        using var dir = new TempDirectory();
        var received = string.Concat(Enumerable.Range(0, 400).Select(i => $"Received: from relay{i}.example by mx.example; Mon, 1 Jan 2024\n"));
        dir.Write("Maildir/cur/1704067200.M1P2.host:2,S", $"Return-Path: <a@example.org>\n{received}From: a@example.org\nSubject: Kayak rental\n\nKayak rental opens Monday.\n");
        var report = new ReadReport();
        var docs = Read(dir.Path, report: report);
        Assert.True(received.Length > EmailText.SniffBytes);                    // the header block is longer than what is sniffed
        Assert.Equal(1, report.DocumentsByType["email"]);
        Assert.Equal("kayak:2 monday:1 opens:1 rental:2", Counts(docs[0].Text!));
    }

    [Fact]
    public void MboxWithoutExtensionGivesOneDocumentPerMessage()
    {
        using var dir = new TempDirectory();
        dir.Write("Thunderbird/Inbox", """
            From alice@example.org Mon Jan  1 00:00:00 2024
            From: alice@example.org
            Subject: Harbour tour

            Tour boards at noon.

            From bob@example.org Mon Jan  1 01:00:00 2024
            From: bob@example.org
            Subject: Lunch

            Lunch after the tour.
            """);
        var docs = Read(dir.Path);
        Assert.Equal(["Thunderbird/Inbox#1", "Thunderbird/Inbox#2"], docs.Select(d => d.Key));
        Assert.Equal("lunch:2 tour:1", Counts(docs[1].Text!));
    }

    [Theory]
    [InlineData("Note: buy rope\nFrom: the shop list\n\nrope, hooks\n")]          // From: without a second message header
    [InlineData("Subject: notes\nDate: today\n\nFrom: me\n")]                 // no From: in the header block
    [InlineData("Meeting notes\nFrom: Alice\nSubject: budget\n\nBudget is fine.\n")]   // a first line that is no header
    public void PlainTextThatOnlyResemblesHeadersStaysText(string text)
    {
        using var dir = new TempDirectory();
        dir.Write("notes", text);
        var report = new ReadReport();
        var docs = Read(dir.Path, report: report);
        Assert.Equal(1, report.DocumentsByType["text"]);
        Assert.Equal(text, docs[0].Text);
    }

    [Fact]
    public void SeparatorFollowedByALongTextIsNoSignature()
    {
        using var dir = new TempDirectory();
        var tail = string.Concat(Enumerable.Range(0, EmailText.MaxSignatureLines + 1).Select(_ => "Harbour\n"));
        dir.Write("m.eml", $"From: a@example.org\nSubject: Plan\n\nIntro.\n--\n{tail}");
        Assert.Equal($"harbour:{EmailText.MaxSignatureLines + 1} intro:1 plan:1", Counts(Read(dir.Path)[0].Text!));
    }

    [Theory]
    [InlineData("M  $\" P0%!@<(\"0H+# T.#Q 1$A,4%187&!D:&QP='A\\@(2(C)\"4F)R@I*BLL", true)]
    [InlineData("M+2XO,#$R,S0U-C<X.3H[/#T^/T!!0D-$149'2$E*2TQ-3D]045)35%565UA9", true)]
    [InlineData("MAKE SURE THE HARBOUR MASTER KNOWS ABOUT THE CHANGED BOAT TIMES", false)]   // capitals with spaces
    [InlineData("Make sure the harbour master knows about the changed boat timetable", false)]
    public void UuencodedLinesAreToldFromText(string line, bool uuencoded) =>
        Assert.Equal(uuencoded, EmailText.IsUuencodedLine(line));

    [Theory]
    [InlineData("iQCVAgUBK7nAAcLjxJpqq0pBAQGbbQP/Wq2mUfH6b5Pr8zX0c9hRbYlA3kX0oqJ7", true)]
    [InlineData("ThisIsAVeryLongIdentifierWithoutAnyDigitsInItAtAllForSure", false)]
    [InlineData("http://example.org/a/very/long/path/to/some/resource/1234", false)]
    public void Base64LinesAreToldFromText(string line, bool base64) =>
        Assert.Equal(base64, EmailText.IsBase64Line(line));
}
