namespace TopicEngine.Corpus;

/// <summary>Input formats (<c>--format</c>).</summary>
public enum CorpusFormat
{
    /// <summary>Decide from the file name or folder layout.</summary>
    Auto,
    /// <summary>Plain text: one document per file; a folder is read recursively.</summary>
    Text,
    /// <summary>JSON Lines: one object per line.</summary>
    Jsonl,
    /// <summary>Comma-separated values with a header row (RFC 4180 quoting).</summary>
    Csv,
    /// <summary>Tab-separated values with a header row (no quoting: fields hold no tabs or newlines).</summary>
    Tsv,
    /// <summary>Apache Parquet with a string text column.</summary>
    Parquet,
    /// <summary>UCI bag of words: docword.*.txt[.gz] with an optional vocab.*.txt.</summary>
    Uci,
    /// <summary>LDA-C (Blei's lda-c): a .dat file, vocab.txt beside it.</summary>
    Ldac,
    /// <summary>HTML / XHTML files: the visible text and the title.</summary>
    Html,
    /// <summary>Markdown files: plain text, link targets dropped.</summary>
    Markdown,
    /// <summary>PDF files: the text of every page.</summary>
    Pdf,
    /// <summary>Word (.docx) files: paragraphs and tables.</summary>
    Docx,
    /// <summary>E-mail: .eml (one message) or mbox files: Subject and text body. On a JSONL, CSV/TSV or Parquet file: its
    /// text field holds raw messages (the same as that format with <see cref="ReaderOptions.Content"/> = <see cref="FieldContent.Email"/>).</summary>
    Email,
    /// <summary>A Lucene.Net index folder: one document per live document, the terms of one field (<c>--field</c>).</summary>
    Lucene,
}

/// <summary>Turns <c>--input</c> paths and <c>--format</c> into <see cref="CorpusSource"/>s.</summary>
internal static class CorpusSources
{
    public static readonly string FormatNames = "auto, text, jsonl, csv, tsv, parquet, uci, ldac, html, markdown, pdf, docx, email, lucene";

    /// <summary>Parses a <c>--format</c> value.</summary>
    public static CorpusFormat ParseFormat(string value) =>
        Enum.TryParse<CorpusFormat>(value, ignoreCase: true, out var format) && !int.TryParse(value, out _)
            ? format
            : throw new TopicEngineException($"unknown format '{value}' (--format takes {FormatNames})");

    /// <summary>One source per input path, in the order given.</summary>
    public static IReadOnlyList<CorpusSource> Open(IEnumerable<string> inputs, CorpusFormat format, ReaderOptions options)
    {
        var sources = new List<CorpusSource>();
        foreach (var input in inputs) sources.Add(Open(input, format, options));
        return sources;
    }

    public static CorpusSource Open(string input, CorpusFormat format, ReaderOptions options)
    {
        bool isDirectory = Directory.Exists(input);
        if (!isDirectory && !File.Exists(input))
            throw new TopicEngineException($"input '{input}' does not exist");
        bool forced = format != CorpusFormat.Auto;
        if (format is CorpusFormat.Html or CorpusFormat.Markdown or CorpusFormat.Email && !isDirectory && RecordFormat(input) is { } records)
        {
            // --format email (html, markdown) on a JSONL, CSV/TSV or Parquet file: its text field holds such documents.
            options = options with { Content = format switch { CorpusFormat.Html => FieldContent.Html, CorpusFormat.Markdown => FieldContent.Markdown, _ => FieldContent.Email } };
            format = records;
        }
        if (format == CorpusFormat.Auto) format = Detect(input, isDirectory);
        if (options.Content != FieldContent.Text && format is not (CorpusFormat.Jsonl or CorpusFormat.Csv or CorpusFormat.Tsv or CorpusFormat.Parquet))
            throw new TopicEngineException($"--content {options.Content.ToString().ToLowerInvariant()} reads the text field of JSONL, CSV/TSV or Parquet records, but '{input}' is read as {format.ToString().ToLowerInvariant()}; for files in a folder the extension (or --format) picks the reader");
        return format switch
        {
            // Detected: each file by its extension; --format text: every file as plain text.
            CorpusFormat.Text => new TextFileSource(input, options, forced ? DocumentType.Text : null),
            CorpusFormat.Jsonl => new JsonLinesSource(RequireFile(input, format), options),
            CorpusFormat.Csv => new DelimitedSource(RequireFile(input, format), options, tab: false),
            CorpusFormat.Tsv => new DelimitedSource(RequireFile(input, format), options, tab: true),
            CorpusFormat.Parquet => new ParquetTextSource(RequireFile(input, format), options),
            CorpusFormat.Uci => UciSource.Open(input, options),
            CorpusFormat.Ldac => new LdaCSource(RequireFile(input, format), options),
            CorpusFormat.Html => new TextFileSource(input, options, DocumentType.Html),
            CorpusFormat.Markdown => new TextFileSource(input, options, DocumentType.Markdown),
            CorpusFormat.Pdf => new TextFileSource(input, options, DocumentType.Pdf),
            CorpusFormat.Docx => new TextFileSource(input, options, DocumentType.Docx),
            CorpusFormat.Email => new TextFileSource(input, options, DocumentType.Email),
            CorpusFormat.Lucene => new LuceneIndexSource(RequireFolder(input, format), options),
            _ => throw new TopicEngineException($"unknown format '{format}' (--format takes {FormatNames})"),
        };
    }

    /// <summary>The format a path's name or layout implies.</summary>
    public static CorpusFormat Detect(string input, bool isDirectory) => Detect(input, isDirectory, orNull: false)!.Value;

    private static CorpusFormat? Detect(string input, bool isDirectory, bool orNull)
    {
        if (isDirectory)
            return UciSource.FindDocwordFiles(input).Any() ? CorpusFormat.Uci
                : LuceneIndexSource.IsIndex(input) ? CorpusFormat.Lucene : CorpusFormat.Text;
        string name = InputFiles.NameWithoutGzip(input).ToLowerInvariant();
        if (name.StartsWith("docword.", StringComparison.Ordinal) && name.EndsWith(".txt", StringComparison.Ordinal)) return CorpusFormat.Uci;
        return System.IO.Path.GetExtension(name) switch
        {
            ".jsonl" or ".ndjson" or ".json" => CorpusFormat.Jsonl,
            ".csv" => CorpusFormat.Csv,
            ".tsv" or ".tab" => CorpusFormat.Tsv,
            ".parquet" => CorpusFormat.Parquet,
            ".dat" => CorpusFormat.Ldac,
            ".txt" or ".text" or ".rst" => CorpusFormat.Text,
            ".html" or ".htm" or ".xhtml" or ".md" or ".markdown" or ".pdf" or ".docx" or ".eml" or ".mbox" => CorpusFormat.Text,
            _ => orNull ? null : throw new TopicEngineException($"cannot tell the format of '{input}' from its name; pass --format ({FormatNames})"),
        };
    }

    private static string RequireFolder(string input, CorpusFormat format) =>
        System.IO.Directory.Exists(input) ? input : throw new TopicEngineException($"--format {format.ToString().ToLowerInvariant()} reads an index folder, but '{input}' is a file; name the folder");

    /// <summary>The record format (JSONL, CSV, TSV, Parquet) a file's name implies, or null.</summary>
    private static CorpusFormat? RecordFormat(string input) =>
        Detect(input, isDirectory: false, orNull: true) is { } format && format is CorpusFormat.Jsonl or CorpusFormat.Csv or CorpusFormat.Tsv or CorpusFormat.Parquet
            ? format
            : null;

    private static string RequireFile(string input, CorpusFormat format) =>
        File.Exists(input) ? input : throw new TopicEngineException($"--format {format.ToString().ToLowerInvariant()} reads a file, but '{input}' is a folder; name the file");
}
