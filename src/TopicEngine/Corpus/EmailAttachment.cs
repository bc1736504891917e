using MimeKit;

namespace TopicEngine.Corpus;

/// <summary>
/// One e-mail attachment (<c>--attachments</c>) read by the reader of its type, as the same file in a folder would be:
/// the type from the attachment's file name (<see cref="DocumentTypes.FromPath"/>: .html, .md, .pdf, .docx, .eml, .txt),
/// else from its MIME type. Returns null for an attachment of another type (images, archives, …) or one that cannot be
/// read (damaged, encrypted or image-only PDF): the caller counts it as skipped.
/// </summary>
internal static class EmailAttachment
{
    public static string? Read(MimeEntity attachment, ReaderOptions options, ReadReport report)
    {
        try
        {
            switch (attachment)
            {
                case MessagePart { Message: { } attached }:
                    return EmailText.Text(attached, options, report);
                case MimePart part:
                    return Read(part, options, report);
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is not (TopicEngineException or OperationCanceledException or OutOfMemoryException))
        {
            return null;
        }
    }

    private static string? Read(MimePart part, ReaderOptions options, ReadReport report)
    {
        var type = TypeOf(part);
        if (type is null) return null;
        if (type is DocumentType.Pdf or DocumentType.Docx or DocumentType.Email)
        {
            using var bytes = new MemoryStream();
            if (part.Content is null) return null;
            part.Content.DecodeTo(bytes);
            bytes.Position = 0;
            return type switch
            {
                DocumentType.Pdf => PdfText.Extract(bytes.ToArray(), out _),
                DocumentType.Docx => DocxText.Extract(bytes.ToArray()),
                _ => EmailText.Text(MimeMessage.Load(bytes), options, report),
            };
        }
        if (part is not TextPart textPart) return null;
        string text = textPart.Text;
        return type switch
        {
            DocumentType.Html => HtmlText.Extract(text),
            DocumentType.Markdown => MarkdownText.Extract(text, options.MarkdownCode),
            _ => text,
        };
    }

    /// <summary>The reader an attachment needs, or null when it holds no text a reader knows.</summary>
    private static DocumentType? TypeOf(MimePart part)
    {
        if (part.FileName is { Length: > 0 } name)
        {
            if (DocumentTypes.IsNotText(name)) return null;
            var byName = DocumentTypes.FromPath(name);
            if (byName != DocumentType.Text) return byName;
            string extension = System.IO.Path.GetExtension(name).ToLowerInvariant();
            if (extension is ".txt" or ".text" or ".rst" or ".csv" or ".log" or "") return part is TextPart ? DocumentType.Text : null;
        }
        return part.ContentType.MimeType.ToLowerInvariant() switch
        {
            "text/html" or "application/xhtml+xml" => DocumentType.Html,
            "text/markdown" or "text/x-markdown" => DocumentType.Markdown,
            "application/pdf" => DocumentType.Pdf,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => DocumentType.Docx,
            "message/rfc822" => DocumentType.Email,
            "text/plain" => DocumentType.Text,
            _ => null,
        };
    }
}
