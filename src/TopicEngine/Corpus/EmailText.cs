using System.Text;
using MimeKit;

namespace TopicEngine.Corpus;

/// <summary>
/// E-mail (.eml: one message; .mbox: many; or one raw message held in a record's field) → the Subject plus the text body
/// (MimeKit): text/plain preferred, else text/html read as <see cref="HtmlText"/>. Transfer encodings (quoted-printable,
/// base64) and charsets are decoded; headers other than Subject are dropped; quoted lines (starting with <c>&gt;</c>), the
/// signature and binaries pasted into the body as text are dropped unless <c>--keep-quotes</c> (see <see cref="AppendBody"/>).
/// A file without an e-mail extension is read as a message when it starts with a message's header block
/// (<see cref="LooksLikeMessage"/>: news spools, Maildir folders, mbox files without an extension). Attachments are skipped and counted, or with <c>--attachments</c> read by
/// <see cref="EmailAttachment"/> and appended to the message's text. A message in an mbox is keyed
/// <c>path#message-id</c>, else <c>path#n</c> (1-based).
/// </summary>
internal static class EmailText
{
    /// <summary>The messages of a stream: one message, or every message of an mbox (<paramref name="mbox"/>).</summary>
    public static IEnumerable<(string? MessageId, string Text)> Messages(Stream stream, bool mbox, ReaderOptions options, ReadReport report)
    {
        var parser = new MimeParser(stream, mbox ? MimeFormat.Mbox : MimeFormat.Entity);
        if (!mbox)
        {
            var message = parser.ParseMessage();
            yield return (message.MessageId, Text(message, options, report));
            yield break;
        }
        while (!parser.IsEndOfStream)
        {
            var message = parser.ParseMessage();
            yield return (message.MessageId, Text(message, options, report));
        }
    }

    /// <summary>
    /// One raw message held in a string (a JSONL, CSV or Parquet field under <c>--content email</c>), read as an .eml file
    /// is. The string's characters are encoded as UTF-8 for the parser, which then decodes each part by its declared
    /// charset and transfer encoding. A leading mbox <c>From </c> line is allowed.
    /// </summary>
    public static string FromString(string raw, ReaderOptions options, ReadReport report)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw), writable: false);
        bool fromLine = raw.StartsWith("From ", StringComparison.Ordinal);
        var message = new MimeParser(stream, fromLine ? MimeFormat.Mbox : MimeFormat.Entity).ParseMessage();
        return Text(message, options, report);
    }

    /// <summary>Subject, body text and (with <see cref="ReaderOptions.Attachments"/>) the attachments' text of one message.</summary>
    public static string Text(MimeMessage message, ReaderOptions options, ReadReport report)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(message.Subject)) text.Append(message.Subject).Append('\n');
        string? body = message.TextBody;
        if (body is not null && LooksLikeHtml(body)) body = HtmlText.Extract(body);   // HTML sent as text/plain
        if (body is null && message.HtmlBody is { } html) body = HtmlText.Extract(html);
        if (body is not null) AppendBody(body, options.KeepQuotes, text);
        foreach (var attachment in message.Attachments)
        {
            string? attached = options.Attachments ? EmailAttachment.Read(attachment, options, report) : null;
            if (attached is null)
            {
                report.AttachmentSkipped();
                continue;
            }
            report.AttachmentRead();
            text.Append('\n').Append(attached).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// The body's lines, less what quotes an earlier message unless <paramref name="keepQuotes"/>: lines starting with
    /// <c>&gt;</c>, the attribution line before them (<c>On …, X wrote:</c>), everything from an Outlook-style
    /// <c>-----Original Message-----</c> on, a <c>----- Forwarded message -----</c> marker, and the header lines of a quoted or forwarded message (<c>From:</c>,
    /// <c>Sent:</c>, <c>To:</c>, <c>Cc:</c>, <c>Date:</c>; of <c>Subject:</c> only the value is kept). Lines that are only a
    /// label and a link (<c>URL: http://…</c>, as in feed digests) go with them, and so do Usenet's attribution
    /// (<c>In article &lt;…&gt;, x@y (Name) writes:</c>), the signature (the lines after the last <c>-- </c> separator, when at
    /// most <see cref="MaxSignatureLines"/> follow it) and binaries pasted into the body as text: uuencoded lines with their
    /// <c>begin 644 name</c> and <c>end</c> lines, and lines of 40 or more base64 characters without a space (PGP armour,
    /// base64 outside MIME). Their tokens are no words: a fit of 20news otherwise spends topics on them
    /// (benchmarks/RESULTS.md §13g).
    /// </summary>
    private static void AppendBody(string body, bool keepQuotes, StringBuilder text)
    {
        if (keepQuotes)
        {
            text.Append(body);
            return;
        }
        int signatureAt = -1, linesAfterSignature = 0;
        bool uuencoded = false;                                   // inside a uuencoded block: its "end" line goes too
        foreach (var raw in body.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            linesAfterSignature++;
            if (raw.TrimEnd().SequenceEqual("--"))
            {
                signatureAt = text.Length;
                linesAfterSignature = 0;
                continue;
            }
            if (IsUuencodeBegin(line) || IsUuencodedLine(raw, uuencoded) || (uuencoded && line.SequenceEqual("end")))
            {
                uuencoded = !line.SequenceEqual("end");
                continue;
            }
            uuencoded = false;
            if (IsBase64Line(line) || IsArmourLine(line)) continue;
            if (line.StartsWith('>')) continue;
            if (IsOriginalMessageMarker(line)) break;
            if (line.EndsWith("wrote:", StringComparison.OrdinalIgnoreCase) || line.EndsWith("writes:", StringComparison.OrdinalIgnoreCase)
                || IsForwardMarker(line)) continue;
            int colon = line.IndexOf(':');
            if (colon > 0 && QuotedHeaders.GetAlternateLookup<ReadOnlySpan<char>>().Contains(line[..colon]))
            {
                if (line[..colon].Equals("subject", StringComparison.OrdinalIgnoreCase)) text.Append(line[(colon + 1)..]).Append('\n');
                continue;
            }
            if (colon > 0 && IsLabelledLink(line, colon)) continue;
            text.Append(raw).Append('\n');
        }
        if (signatureAt >= 0 && linesAfterSignature <= MaxSignatureLines) text.Length = signatureAt;
    }

    /// <summary>Most lines after a <c>-- </c> separator that are taken for a signature (a longer tail is kept: a separator
    /// used as a divider in the text). Usenet's etiquette asks for four.</summary>
    internal const int MaxSignatureLines = 15;

    /// <summary>A uuencoded line: its first character gives the byte count n, and it holds exactly the 4⌈n/3⌉ characters
    /// that encode them (plus at most two of padding), all from uuencode's alphabet (ASCII 32–96: no lower case), and at
    /// least a quarter of them digits or punctuation (38 of the alphabet's 64 are neither a capital nor a space; a line of
    /// capitals is letters and spaces).</summary>
    /// <param name="line">The line.</param>
    /// <param name="inBlock">The line before was uuencoded: the block's short last lines (down to a lone <c>`</c>) count too.</param>
    internal static bool IsUuencodedLine(ReadOnlySpan<char> line, bool inBlock = false)
    {
        if (inBlock && line.SequenceEqual("`")) return true;
        if (line.Length < (inBlock ? 2 : 12)) return false;
        int bytes = (line[0] - 32) & 63;
        int expected = 1 + (bytes + 2) / 3 * 4;
        if (bytes == 0 || line.Length < expected || line.Length > expected + 2) return false;
        int symbols = 0;
        foreach (char c in line)
        {
            if (c < ' ' || c > '`') return false;
            if (c is not (' ' or (>= 'A' and <= 'Z'))) symbols++;
        }
        return 4 * symbols >= line.Length;
    }

    /// <summary>An ASCII armour line of PGP (<c>-----BEGIN PGP SIGNATURE-----</c>, <c>-----END …-----</c>).</summary>
    private static bool IsArmourLine(ReadOnlySpan<char> line) =>
        (line.StartsWith("-----BEGIN ", StringComparison.Ordinal) || line.StartsWith("-----END ", StringComparison.Ordinal))
        && line.EndsWith("-----", StringComparison.Ordinal);

    /// <summary><c>begin 644 name</c>: the start of a uuencoded file.</summary>
    private static bool IsUuencodeBegin(ReadOnlySpan<char> line)
    {
        if (!line.StartsWith("begin ", StringComparison.Ordinal) || line.Length < 11) return false;
        var mode = line[6..];
        int digits = 0;
        while (digits < mode.Length && mode[digits] is >= '0' and <= '7') digits++;
        return digits is 3 or 4 && digits < mode.Length && mode[digits] == ' ';
    }

    /// <summary>A line of at least 40 base64 characters (letters, digits, <c>+ / =</c>) without a space, holding both
    /// letters and digits: PGP armour or base64 outside MIME, not a word.</summary>
    internal static bool IsBase64Line(ReadOnlySpan<char> line)
    {
        if (line.Length < 40) return false;
        bool letter = false, digit = false;
        foreach (char c in line)
        {
            if (char.IsAsciiLetter(c)) letter = true;
            else if (char.IsAsciiDigit(c)) digit = true;
            else if (c is not ('+' or '/' or '=')) return false;
        }
        return letter && digit;
    }

    /// <summary>A line that is only a one-word label and a link (<c>URL: http://…</c>, <c>Link: www.…</c>), as newsletters and
    /// feed digests write them: the link is no word, and without it the label is none either.</summary>
    private static bool IsLabelledLink(ReadOnlySpan<char> line, int colon)
    {
        var label = line[..colon];
        var value = line[(colon + 1)..].Trim();
        return label.Length <= 20 && !label.ContainsAny(' ', '\t') && !value.ContainsAny(' ', '\t')
            && (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                || value.StartsWith("www.", StringComparison.OrdinalIgnoreCase) || value.StartsWith("<http", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Header names whose lines inside a body belong to a quoted or forwarded message.</summary>
    private static readonly HashSet<string> QuotedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "sent", "to", "cc", "bcc", "date", "subject", "reply-to", "message-id", "in-reply-to", "references",
    };

    /// <summary><c>-----Original Message-----</c> (Outlook) or <c>----- Original Message -----</c> (Outlook Express).</summary>
    private static bool IsOriginalMessageMarker(ReadOnlySpan<char> line) =>
        line.StartsWith("-----", StringComparison.Ordinal) && line.Trim('-').Trim().Equals("Original Message", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>---------- Forwarded message ----------</c>: the forwarded text after it is kept, the marker is not.</summary>
    private static bool IsForwardMarker(ReadOnlySpan<char> line) =>
        line.StartsWith("-----", StringComparison.Ordinal) && line.Trim('-').Trim().Equals("Forwarded message", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a text/plain body is really an HTML page (it has an html, head or body tag).</summary>
    private static bool LooksLikeHtml(string body) =>
        body.Contains("<html", StringComparison.OrdinalIgnoreCase) || body.Contains("<body", StringComparison.OrdinalIgnoreCase)
        || body.Contains("<head", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when the file starts with a message's header block: optionally an mbox <c>From </c> line, then header lines
    /// (<c>Name: value</c>, or a folded continuation, which may also open the file: a header cut off before it) up to the first empty line, among them <c>From:</c> and at least one
    /// of <c>Subject:</c>, <c>Date:</c>, <c>Message-ID:</c>, <c>Newsgroups:</c>, <c>To:</c>, <c>Received:</c>. How a news
    /// spool's articles, a Maildir folder's messages and an mbox without an extension are told from plain text; only the
    /// first <see cref="SniffBytes"/> bytes are read (a header block longer than that, whose <c>From:</c> comes later, counts when
    /// every line read is a header: at least <see cref="MinHeadersCutOff"/> of them, a message header among them).
    /// </summary>
    public static bool LooksLikeMessage(string path)
    {
        var head = new byte[SniffBytes];
        int n;
        using (var stream = InputFiles.OpenRead(path)) n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return StartsWithHeaderBlock(Encoding.Latin1.GetString(head, 0, n), cutOff: n == head.Length);
    }

    /// <summary>Header lines a block cut off by <see cref="SniffBytes"/> before its <c>From:</c> must hold to count.</summary>
    private const int MinHeadersCutOff = 20;

    /// <summary>Bytes of a file that <see cref="LooksLikeMessage(string)"/> reads.</summary>
    internal const int SniffBytes = 16 << 10;

    /// <summary>The test of <see cref="LooksLikeMessage(string)"/> on the start of a file (<paramref name="cutOff"/>: the file
    /// goes on after <paramref name="head"/>).</summary>
    internal static bool StartsWithHeaderBlock(string head, bool cutOff)
    {
        bool ended = false;
        int headers = 0;
        bool from = false, other = false, first = true;
        // lines end at LF only: EnumerateLines would also break at a form feed or at NEL (byte 0x85 read as Latin-1)
        foreach (var range in head.AsSpan().Split('\n'))
        {
            var line = head.AsSpan()[range].TrimEnd('\r');
            if (first && line.StartsWith("From ", StringComparison.Ordinal)) { first = false; continue; }   // mbox separator
            first = false;
            if (line.IsEmpty)
            {
                ended = true;
                break;
            }
            if (line[0] is ' ' or '\t') continue;   // folded: the rest of a header (first lines too: a cut-off Path:)
            int colon = line.IndexOf(':');
            if (colon <= 0) return false;
            var name = line[..colon];
            foreach (char c in name)
                if (c is <= ' ' or > '~') return false;
            headers++;
            if (name.Equals("from", StringComparison.OrdinalIgnoreCase)) from = true;
            else if (MessageHeaders.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name)) other = true;
        }
        // a file of headers only counts as well; so does a block still going where the read ended (a long Received chain
        // ahead of From:) when it is all headers, message headers among them
        return other && (from ? headers >= 2 : cutOff && !ended && headers >= MinHeadersCutOff);
    }

    /// <summary>The message's bytes from its first line that does not start with a space or tab (see <see cref="LooksLikeMessage(string)"/>).</summary>
    public static MemoryStream WithoutLeadingFoldedLines(byte[] bytes)
    {
        int start = 0;
        while (start < bytes.Length && bytes[start] is (byte)' ' or (byte)'\t')
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            start = end < 0 ? bytes.Length : end + 1;
        }
        return new MemoryStream(bytes, start, bytes.Length - start, writable: false);
    }

    /// <summary>Headers that, beside <c>From:</c>, mark a header block as a message's.</summary>
    private static readonly HashSet<string> MessageHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "subject", "date", "message-id", "newsgroups", "to", "received",
    };

    /// <summary>True when the file starts with an mbox <c>From </c> separator line.</summary>
    public static bool LooksLikeMbox(string path)
    {
        using var stream = InputFiles.OpenRead(path);
        Span<byte> head = stackalloc byte[5];
        int n = stream.ReadAtLeast(head, 5, throwOnEndOfStream: false);
        return n == 5 && head.SequenceEqual("From "u8);
    }
}
