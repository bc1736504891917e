using System.Text;
using MimeKit;

namespace TopicEngine.Corpus;

/// <summary>
/// E-mail (.eml: one message; .mbox: many) → the Subject plus the text body (MimeKit): text/plain preferred, else
/// text/html read as <see cref="HtmlText"/>. Transfer encodings (quoted-printable, base64) and charsets are decoded;
/// headers other than Subject and attachments are dropped; quoted lines (starting with <c>&gt;</c>) are dropped
/// unless <c>--keep-quotes</c>. A message in an mbox is keyed <c>path#message-id</c>, else <c>path#n</c> (1-based).
/// </summary>
internal static class EmailText
{
    /// <summary>The messages of a stream: one message, or every message of an mbox (<paramref name="mbox"/>).</summary>
    public static IEnumerable<(string? MessageId, string Text)> Messages(Stream stream, bool mbox, bool keepQuotes)
    {
        var parser = new MimeParser(stream, mbox ? MimeFormat.Mbox : MimeFormat.Entity);
        if (!mbox)
        {
            var message = parser.ParseMessage();
            yield return (message.MessageId, Text(message, keepQuotes));
            yield break;
        }
        while (!parser.IsEndOfStream)
        {
            var message = parser.ParseMessage();
            yield return (message.MessageId, Text(message, keepQuotes));
        }
    }

    /// <summary>Subject and body text of one message.</summary>
    public static string Text(MimeMessage message, bool keepQuotes)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(message.Subject)) text.Append(message.Subject).Append('\n');
        string? body = message.TextBody;
        if (body is null && message.HtmlBody is { } html) body = HtmlText.Extract(html);
        if (body is not null) AppendBody(body, keepQuotes, text);
        return text.ToString();
    }

    private static void AppendBody(string body, bool keepQuotes, StringBuilder text)
    {
        if (keepQuotes)
        {
            text.Append(body);
            return;
        }
        foreach (var line in body.AsSpan().EnumerateLines())
        {
            if (line.TrimStart().StartsWith('>')) continue;
            text.Append(line).Append('\n');
        }
    }

    /// <summary>True when the file starts with an mbox <c>From </c> separator line.</summary>
    public static bool LooksLikeMbox(string path)
    {
        using var stream = InputFiles.OpenRead(path);
        Span<byte> head = stackalloc byte[5];
        int n = stream.ReadAtLeast(head, 5, throwOnEndOfStream: false);
        return n == 5 && head.SequenceEqual("From "u8);
    }
}
