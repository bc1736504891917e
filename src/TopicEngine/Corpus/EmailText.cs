using System.Text;
using MimeKit;

namespace TopicEngine.Corpus;

/// <summary>
/// E-mail (.eml: one message; .mbox: many; or one raw message held in a record's field) → the Subject plus the text body
/// (MimeKit): text/plain preferred, else text/html read as <see cref="HtmlText"/>. Transfer encodings (quoted-printable,
/// base64) and charsets are decoded; headers other than Subject are dropped; quoted lines (starting with <c>&gt;</c>) are
/// dropped unless <c>--keep-quotes</c>. Attachments are skipped and counted, or with <c>--attachments</c> read by
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
    /// label and a link (<c>URL: http://…</c>, as in feed digests) go with them.
    /// </summary>
    private static void AppendBody(string body, bool keepQuotes, StringBuilder text)
    {
        if (keepQuotes)
        {
            text.Append(body);
            return;
        }
        foreach (var raw in body.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.StartsWith('>')) continue;
            if (IsOriginalMessageMarker(line)) break;
            if (line.EndsWith("wrote:", StringComparison.OrdinalIgnoreCase) || IsForwardMarker(line)) continue;
            int colon = line.IndexOf(':');
            if (colon > 0 && QuotedHeaders.GetAlternateLookup<ReadOnlySpan<char>>().Contains(line[..colon]))
            {
                if (line[..colon].Equals("subject", StringComparison.OrdinalIgnoreCase)) text.Append(line[(colon + 1)..]).Append('\n');
                continue;
            }
            if (colon > 0 && IsLabelledLink(line, colon)) continue;
            text.Append(raw).Append('\n');
        }
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

    /// <summary>True when the file starts with an mbox <c>From </c> separator line.</summary>
    public static bool LooksLikeMbox(string path)
    {
        using var stream = InputFiles.OpenRead(path);
        Span<byte> head = stackalloc byte[5];
        int n = stream.ReadAtLeast(head, 5, throwOnEndOfStream: false);
        return n == 5 && head.SequenceEqual("From "u8);
    }
}
