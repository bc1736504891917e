namespace TopicEngine.Corpus;

/// <summary>
/// The text of a record's field (JSONL, CSV/TSV, Parquet) as <c>--content</c> says it is held: plain text as it is, or an
/// HTML page, a Markdown note or a raw e-mail read by the same reader as an .html, .md or .eml file. A field the reader
/// cannot read fails with the record's place, or under <c>--on-error skip</c> is counted.
/// </summary>
internal static class FieldText
{
    /// <summary>The text to analyse, or null when the record is skipped.</summary>
    public static string? Read(string raw, ReaderOptions options, string origin, ReadReport report)
    {
        if (options.Content == FieldContent.Text) return raw;
        string name = options.Content.ToString().ToLowerInvariant();
        if (raw.Length == 0)
        {
            report.Read(name);
            return raw;
        }
        string text;
        try
        {
            text = options.Content switch
            {
                FieldContent.Html => HtmlText.Extract(raw),
                FieldContent.Markdown => MarkdownText.Extract(raw, options.MarkdownCode),
                _ => EmailText.FromString(raw, options, report),
            };
        }
        catch (Exception e) when (e is not (TopicEngineException or OperationCanceledException or OutOfMemoryException))
        {
            report.Bad(options.OnError, $"{origin}: field '{options.TextField}' is not a readable {name} ({TextFileSource.FirstLine(e.Message)})", $"unreadable {name}");
            return null;
        }
        report.Read(name);
        return text;
    }
}
