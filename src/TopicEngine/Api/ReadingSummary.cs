using TopicEngine.Corpus;

namespace TopicEngine;

/// <summary>What the readers of a command's raw input read and skipped (<c>prepare</c>, <c>fit</c>, <c>update</c> and
/// <c>infer</c> read through the same readers and give the same summary).</summary>
public sealed record ReadingSummary
{
    /// <summary>Documents read per type by the file readers and by records under <see cref="ReaderOptions.Content"/>
    /// (<c>html</c>, <c>markdown</c>, <c>pdf</c>, <c>docx</c>, <c>email</c>, <c>text</c>); empty for plain records.</summary>
    public IReadOnlyDictionary<string, long> DocumentsByType { get; init; } = new Dictionary<string, long>();

    /// <summary>Records or files skipped (<c>--on-error skip</c>, encrypted PDFs, binary files in a folder).</summary>
    public long SkippedRecords { get; init; }

    /// <summary>Skips per kind of reason (<c>encrypted PDF</c>, <c>unreadable docx</c>, <c>did not parse</c>, …).</summary>
    public IReadOnlyDictionary<string, long> SkipsByReason { get; init; } = new Dictionary<string, long>();

    /// <summary>The first skipped records, with their reasons.</summary>
    public IReadOnlyList<string> SkipExamples { get; init; } = [];

    /// <summary>Files read as Latin-1 under <c>--encoding auto</c>.</summary>
    public long Latin1Files { get; init; }

    /// <summary>E-mail attachments read into their message's document (<see cref="ReaderOptions.Attachments"/>).</summary>
    public long AttachmentsRead { get; init; }

    /// <summary>E-mail attachments not read: every one without <see cref="ReaderOptions.Attachments"/>; with it, those of
    /// other types (images, archives, …) or that could not be read.</summary>
    public long AttachmentsSkipped { get; init; }

    /// <summary>One line such as <c>html 120, pdf 3</c> for <see cref="DocumentsByType"/>, empty when there is none.</summary>
    public string DescribeTypes() => string.Join(", ", DocumentsByType.Select(p => $"{p.Key} {p.Value}"));

    /// <summary>One line such as <c>encrypted PDF 2, did not parse 1</c> for <see cref="SkipsByReason"/>.</summary>
    public string DescribeSkips() => string.Join(", ", SkipsByReason.Select(p => $"{p.Key} {p.Value}"));

    internal static ReadingSummary From(ReadReport report) => new()
    {
        DocumentsByType = new SortedDictionary<string, long>(report.DocumentsByType, StringComparer.Ordinal),
        SkippedRecords = report.Skipped,
        SkipsByReason = new SortedDictionary<string, long>(report.SkipsByReason, StringComparer.Ordinal),
        SkipExamples = [.. report.Examples],
        Latin1Files = report.Latin1Files,
        AttachmentsRead = report.AttachmentsRead,
        AttachmentsSkipped = report.AttachmentsSkipped,
    };
}
