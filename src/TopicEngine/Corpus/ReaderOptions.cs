namespace TopicEngine.Corpus;

/// <summary>What to do with a record that does not parse (<c>--on-error</c>).</summary>
public enum OnError
{
    /// <summary>Stop with an error naming the file and line (the default).</summary>
    Fail,
    /// <summary>Skip the record, count it, and report the count at the end.</summary>
    Skip,
}

/// <summary>How bytes become text (<c>--encoding</c>).</summary>
public enum InputEncoding
{
    /// <summary>Strict UTF-8: invalid bytes are an error naming the file (the default).</summary>
    Utf8,
    /// <summary>ISO-8859-1: every byte is a character.</summary>
    Latin1,
    /// <summary>UTF-8, but a text file (one document per file) that is not valid UTF-8 is read as Latin-1 and counted.</summary>
    Auto,
}

/// <summary>How a Lucene index's field becomes terms (<c>--lucene-read</c>).</summary>
public enum LuceneReadStrategy
{
    /// <summary>The first that works: term vectors, then postings, then the stored text.</summary>
    Auto,
    /// <summary>The field's term vectors (the index's own analysis).</summary>
    TermVectors,
    /// <summary>The field's postings, inverted per segment (the index's own analysis).</summary>
    Postings,
    /// <summary>The field's stored text, analysed with the analyzer settings.</summary>
    StoredText,
}

/// <summary>What the text field of a record (JSONL, CSV/TSV, Parquet) holds (<c>--content</c>).</summary>
public enum FieldContent
{
    /// <summary>Plain text, analysed as it is (the default).</summary>
    Text,
    /// <summary>An HTML page: read as an .html file is (title and visible text).</summary>
    Html,
    /// <summary>Markdown: read as an .md file is (link targets dropped).</summary>
    Markdown,
    /// <summary>A raw RFC 822 message: read as an .eml file is (Subject and text bodies, MIME decoded, other headers dropped).</summary>
    Email,
}

/// <summary>Options shared by every corpus reader.</summary>
public sealed record ReaderOptions
{
    /// <summary>Field (JSONL, Parquet) or column (CSV) holding the text (<c>--text-field</c>).</summary>
    public string TextField { get; init; } = "text";

    /// <summary>Field or column holding the document key (<c>--id-field</c>); null keys records by file and line.</summary>
    public string? IdField { get; init; }

    /// <summary>What to do with a record that does not parse (<c>--on-error</c>). Default: fail.</summary>
    public OnError OnError { get; init; } = OnError.Fail;

    /// <summary>How bytes become text (<c>--encoding</c>). Default: strict UTF-8.</summary>
    public InputEncoding Encoding { get; init; } = InputEncoding.Utf8;

    /// <summary>Markdown: keep the text of code blocks (false: <c>--no-code</c> drops fenced and indented code). Default: true.</summary>
    public bool MarkdownCode { get; init; } = true;

    /// <summary>E-mail: keep quoted reply lines, those starting with <c>&gt;</c> (<c>--keep-quotes</c>). Default: false, they are dropped.</summary>
    public bool KeepQuotes { get; init; }

    /// <summary>Lucene index: how the field's terms are read (<c>--lucene-read</c>). Default: auto (term vectors, else postings,
    /// else the stored text).</summary>
    public LuceneReadStrategy LuceneRead { get; init; } = LuceneReadStrategy.Auto;

    /// <summary>E-mail: read attachments of the types a folder reader knows (HTML, Markdown, PDF, Word .docx, plain text,
    /// attached messages) and append their text to the message's document (<c>--attachments</c>). Default: false, they are
    /// skipped and counted.</summary>
    public bool Attachments { get; init; }

    /// <summary>What the <see cref="TextField"/> of a JSONL, CSV/TSV or Parquet record holds (<c>--content</c>). Default: plain text.</summary>
    public FieldContent Content { get; init; } = FieldContent.Text;
}

/// <summary>What readers skipped or decoded specially, reported at the end of a pass. Not thread-safe: readers run on one thread.</summary>
internal sealed class ReadReport
{
    private readonly List<string> _examples = new();

    /// <summary>Records or files skipped under <c>--on-error skip</c>.</summary>
    public long Skipped { get; private set; }

    /// <summary>Files read as Latin-1 under <c>--encoding auto</c>.</summary>
    public long Latin1Files { get; private set; }

    /// <summary>The first few skip reasons, for the report.</summary>
    public IReadOnlyList<string> Examples => _examples;

    /// <summary>Documents read per file type (<c>html</c>, <c>pdf</c>, …) by the file readers.</summary>
    public SortedDictionary<string, long> DocumentsByType { get; } = new(StringComparer.Ordinal);

    /// <summary>Skips per kind of reason (<c>encrypted PDF</c>, <c>unreadable docx</c>, <c>did not parse</c>, …).</summary>
    public SortedDictionary<string, long> SkipsByReason { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts a skip: <paramref name="reason"/> names the record, <paramref name="kind"/> groups it in the summary.</summary>
    public void Skip(string reason, string kind = "did not parse")
    {
        Skipped++;
        if (_examples.Count < 5) _examples.Add(reason);
        SkipsByReason[kind] = SkipsByReason.GetValueOrDefault(kind) + 1;
    }

    /// <summary>Counts a document read by a file reader of <paramref name="type"/>.</summary>
    public void Read(string type) => DocumentsByType[type] = DocumentsByType.GetValueOrDefault(type) + 1;

    public void FellBackToLatin1() => Latin1Files++;

    /// <summary>E-mail attachments read into their message's document (<c>--attachments</c>).</summary>
    public long AttachmentsRead { get; private set; }

    /// <summary>E-mail attachments not read: all of them without <c>--attachments</c>; with it, those of other types or unreadable.</summary>
    public long AttachmentsSkipped { get; private set; }

    public void AttachmentRead() => AttachmentsRead++;

    public void AttachmentSkipped() => AttachmentsSkipped++;

    /// <summary>Either fails with <paramref name="reason"/> or counts it, as <paramref name="onError"/> says.</summary>
    public void Bad(OnError onError, string reason, string kind = "did not parse")
    {
        if (onError == OnError.Fail) throw new TopicEngineException($"{reason} (pass --on-error skip to skip such records)");
        Skip(reason, kind);
    }
}
