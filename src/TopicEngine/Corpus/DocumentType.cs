namespace TopicEngine.Corpus;

/// <summary>The kind of file a folder reader meets; the extension decides unless <c>--format</c> names one.</summary>
internal enum DocumentType
{
    Text,
    Html,
    Markdown,
    Pdf,
    Docx,
    Email,
}

/// <summary>Extensions → document types, and the names used in summaries.</summary>
internal static class DocumentTypes
{
    /// <summary>The type a file's name implies (after a trailing <c>.gz</c>); anything unknown is plain text.</summary>
    public static DocumentType FromPath(string path) =>
        System.IO.Path.GetExtension(InputFiles.NameWithoutGzip(path)).ToLowerInvariant() switch
        {
            ".html" or ".htm" or ".xhtml" => DocumentType.Html,
            ".md" or ".markdown" => DocumentType.Markdown,
            ".pdf" => DocumentType.Pdf,
            ".docx" => DocumentType.Docx,
            ".eml" or ".mbox" => DocumentType.Email,
            _ => DocumentType.Text,
        };

    /// <summary>The lower-case name (<c>html</c>, <c>pdf</c>, …) used in summaries and corpus.json.</summary>
    public static string Name(DocumentType type) => type.ToString().ToLowerInvariant();
}
