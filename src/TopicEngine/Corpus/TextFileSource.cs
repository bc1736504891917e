namespace TopicEngine.Corpus;

/// <summary>
/// Plain text, one document per file. A folder is read recursively in ordinal order of the
/// relative path (the key, with '/' separators), skipping dot-files; a single file is one document.
/// </summary>
internal sealed class TextFileSource : CorpusSource
{
    private readonly ReaderOptions _options;

    public TextFileSource(string path, ReaderOptions options) : base(path, CorpusFormat.Text) => _options = options;

    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        foreach (var (file, key) in Files())
        {
            string? text = InputFiles.ReadAllText(file, _options, report);
            if (text is not null) yield return SourceDocument.FromText(key, file, text);
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
}
