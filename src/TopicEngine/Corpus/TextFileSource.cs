namespace TopicEngine.Corpus;

/// <summary>
/// Files, one document per file (an mbox: one per message). A folder is read recursively in ordinal order of the
/// relative path (the key, with '/' separators), skipping dot-files; a single file is one document. Each file is read
/// by the reader its extension names (<see cref="DocumentTypes.FromPath"/>: HTML, Markdown, PDF, Word, e-mail, else
/// plain text; a "plain text" file that starts with a message's header block is read as e-mail, see
/// <see cref="EmailText.LooksLikeMessage(string)"/>) unless <c>--format</c> forced one type. A file that cannot be read fails with its name, or under
/// <c>--on-error skip</c> is counted; encrypted and image-only PDFs are always skipped and counted.
/// </summary>
internal sealed class TextFileSource : CorpusSource
{
    private readonly ReaderOptions _options;
    private readonly DocumentType? _type;

    public TextFileSource(string path, ReaderOptions options, DocumentType? type = null)
        : base(path, type is { } t ? FormatOf(t) : CorpusFormat.Text)
    {
        _options = options;
        _type = type;
    }

    public override string Description => _type is null && Directory.Exists(Path) ? $"{Path} (files by extension)" : base.Description;

    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        foreach (var (file, key) in Files())
        {
            if (_type is null && Directory.Exists(Path) && DocumentTypes.IsNotText(file))
            {
                report.Skip($"{file}: not a text document (by its extension)", "not a text document");
                continue;
            }
            var type = _type ?? DocumentTypes.FromPath(file);
            bool sniffed = _type is null && type == DocumentType.Text && LooksLikeMessage(file);
            if (sniffed) type = DocumentType.Email;
            if (type == DocumentType.Email)
            {
                foreach (var message in ReadEmail(file, key, report, sniffed)) yield return message;
                continue;
            }
            string? text = ReadOne(file, type, report);
            if (text is null) continue;
            report.Read(DocumentTypes.Name(type));
            yield return SourceDocument.FromText(key, file, text);
        }
    }

    /// <summary>The files in reading order with their keys.</summary>
    public IEnumerable<(string File, string Key)> Files()
    {
        if (File.Exists(Path))
            return [(Path, System.IO.Path.GetFileName(Path))];
        return Directory.EnumerateFiles(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
            .Select(file => (File: file, Key: System.IO.Path.GetRelativePath(Path, file).Replace('\\', '/')))
            .Where(f => !f.Key.Split('/').Any(part => part.StartsWith('.')))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .ToList();
    }

    private string? ReadOne(string file, DocumentType type, ReadReport report)
    {
        string? text;
        string? skip = null;
        try
        {
            text = type switch
            {
                DocumentType.Html => InputFiles.ReadAllText(file, _options, report) is { } html ? HtmlText.Extract(html) : null,
                DocumentType.Markdown => InputFiles.ReadAllText(file, _options, report) is { } md ? MarkdownText.Extract(md, _options.MarkdownCode) : null,
                DocumentType.Pdf => PdfText.Extract(ReadAllBytes(file), out skip),
                DocumentType.Docx => DocxText.Extract(ReadAllBytes(file)),
                _ => InputFiles.ReadAllText(file, _options, report),
            };
        }
        catch (Exception e) when (e is not (TopicEngineException or OperationCanceledException or OutOfMemoryException))
        {
            Unreadable(file, type, e, report);
            return null;
        }
        if (skip is not null) report.Skip($"{file}: {skip}", skip);
        return text;
    }

    /// <summary>A file typed as plain text by its name that starts with a message's header block (<see cref="EmailText.LooksLikeMessage(string)"/>);
    /// a file that cannot be opened is left to the text reader, which reports it.</summary>
    private static bool LooksLikeMessage(string file)
    {
        try { return EmailText.LooksLikeMessage(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException) { return false; }
    }

    /// <summary>The messages of one e-mail file (one, or an mbox's many).</summary>
    /// <param name="file">The file.</param>
    /// <param name="key">Its key (a message of an mbox adds <c>#id</c>).</param>
    /// <param name="report">Counts and skips.</param>
    /// <param name="sniffed">The file was taken for a message by its content: folded lines before its first header (a
    /// header cut off when the article was saved) are dropped so that the parser meets a header first.</param>
    private IEnumerable<SourceDocument> ReadEmail(string file, string key, ReadReport report, bool sniffed)
    {
        Stream? stream = null;
        IEnumerator<(string? MessageId, string Text)>? messages = null;
        bool mbox = false;
        try
        {
            mbox = InputFiles.NameWithoutGzip(file).EndsWith(".mbox", StringComparison.OrdinalIgnoreCase) || EmailText.LooksLikeMbox(file);
            stream = sniffed ? EmailText.WithoutLeadingFoldedLines(ReadAllBytes(file)) : InputFiles.OpenRead(file);
            messages = EmailText.Messages(stream, mbox, _options, report).GetEnumerator();
        }
        catch (Exception e) when (e is not (TopicEngineException or OperationCanceledException or OutOfMemoryException))
        {
            stream?.Dispose();
            Unreadable(file, DocumentType.Email, e, report);
            yield break;
        }
        using (stream)
        using (messages)
        {
            for (int n = 1; ; n++)
            {
                (string? MessageId, string Text) message;
                try
                {
                    if (!messages.MoveNext()) yield break;
                    message = messages.Current;
                }
                catch (Exception e) when (e is not (TopicEngineException or OperationCanceledException or OutOfMemoryException))
                {
                    Unreadable(mbox ? $"{file}#{n}" : file, DocumentType.Email, e, report);
                    yield break;
                }
                report.Read(DocumentTypes.Name(DocumentType.Email));
                string messageKey = !mbox ? key : message.MessageId is { Length: > 0 } id ? $"{key}#{id}" : $"{key}#{n}";
                yield return SourceDocument.FromText(messageKey, mbox ? $"{file}#{n}" : file, message.Text);
            }
        }
    }

    private void Unreadable(string origin, DocumentType type, Exception e, ReadReport report) =>
        report.Bad(_options.OnError, $"{origin}: not a readable {DocumentTypes.Name(type)} file ({FirstLine(e.Message)})", $"unreadable {DocumentTypes.Name(type)}");

    private static byte[] ReadAllBytes(string file)
    {
        using var stream = InputFiles.OpenRead(file);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    internal static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        int end = line.IndexOfAny('\r', '\n');
        return (end >= 0 ? line[..end] : line).ToString();
    }

    private static CorpusFormat FormatOf(DocumentType type) => type switch
    {
        DocumentType.Html => CorpusFormat.Html,
        DocumentType.Markdown => CorpusFormat.Markdown,
        DocumentType.Pdf => CorpusFormat.Pdf,
        DocumentType.Docx => CorpusFormat.Docx,
        DocumentType.Email => CorpusFormat.Email,
        _ => CorpusFormat.Text,
    };
}
