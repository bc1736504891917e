namespace TopicEngine.Cli;

/// <summary>
/// What the readers read and skipped, said the same way by <c>prepare</c>, <c>fit</c>, <c>update</c> and <c>infer</c>:
/// documents per type and attachments on <paramref name="log"/> (stdout), skips per reason and Latin-1 files on stderr.
/// </summary>
internal static class ReadingLines
{
    public static void Print(ReadingSummary r, TextWriter? log = null)
    {
        log ??= Console.Out;
        if (r.DocumentsByType.Count > 0)
            log.WriteLine($"documents by type: {r.DescribeTypes()}");
        if (r.AttachmentsRead > 0)
            log.WriteLine($"attachments: {r.AttachmentsRead} read, {r.AttachmentsSkipped} skipped (not html, markdown, pdf, docx, text or e-mail, or unreadable)");
        else if (r.AttachmentsSkipped > 0)
            log.WriteLine($"attachments: {r.AttachmentsSkipped} skipped (--attachments reads html, markdown, pdf, docx, text and e-mail ones)");
        if (r.SkippedRecords > 0)
            Console.Error.WriteLine($"skipped {r.SkippedRecords} records ({r.DescribeSkips()}; first: {r.SkipExamples.FirstOrDefault()})");
        if (r.Latin1Files > 0)
            Console.Error.WriteLine($"read {r.Latin1Files} files that were not valid UTF-8 as Latin-1 (--encoding auto)");
    }
}
