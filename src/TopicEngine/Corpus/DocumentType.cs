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

    /// <summary>Extensions of files that hold no text a reader sees (images, audio, video, fonts, archives, binaries):
    /// a folder read by extension skips and counts them instead of failing on their bytes.</summary>
    private static readonly HashSet<string> NotText = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tif", ".tiff", ".svgz", ".mp3", ".wav", ".ogg", ".flac",
        ".mp4", ".avi", ".mov", ".mkv", ".webm", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".zip", ".tar", ".tgz", ".bz2",
        ".xz", ".7z", ".rar", ".jar", ".exe", ".dll", ".so", ".dylib", ".o", ".a", ".class", ".pyc", ".wasm", ".bin", ".db",
        ".sqlite", ".doc", ".xls", ".xlsx", ".ppt", ".pptx",
    };

    /// <summary>True when a folder read by extension should skip <paramref name="path"/> (see <see cref="NotText"/>).</summary>
    public static bool IsNotText(string path) => NotText.Contains(System.IO.Path.GetExtension(path));

    /// <summary>The lower-case name (<c>html</c>, <c>pdf</c>, …) used in summaries and corpus.json.</summary>
    public static string Name(DocumentType type) => type.ToString().ToLowerInvariant();
}
