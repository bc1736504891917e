namespace TopicEngine;

/// <summary>A prepared corpus folder as <c>corpus.json</c> describes it (counts after pruning unless named otherwise).</summary>
/// <param name="Directory">The folder (full path).</param>
/// <param name="Documents">Documents, empty ones included.</param>
/// <param name="Tokens">Tokens the vocabulary keeps.</param>
/// <param name="NonZeros">(document, term) pairs.</param>
/// <param name="VocabularySize">Terms kept, V.</param>
/// <param name="TokensBeforePruning">Tokens analysed.</param>
/// <param name="VocabularySizeBeforePruning">Terms seen.</param>
/// <param name="EmptyDocuments">Documents with no token left.</param>
/// <param name="SkippedRecords">Records skipped under <c>--on-error skip</c>.</param>
/// <param name="Latin1Files">Files read as Latin-1 under <c>--encoding auto</c>.</param>
/// <param name="IsPreCounted">True for UCI or LDA-C input (no analyzer settings apply).</param>
public sealed record CorpusSummary(string Directory, long Documents, long Tokens, long NonZeros, int VocabularySize, long TokensBeforePruning,
    int VocabularySizeBeforePruning, long EmptyDocuments, long SkippedRecords, long Latin1Files, bool IsPreCounted)
{
    /// <summary>Wall time of the preparation that wrote it (zero when only opened).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Tokens analysed per second of <see cref="Elapsed"/>.</summary>
    public double TokensPerSecond => TokensBeforePruning / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>The first records skipped under <c>--on-error skip</c>, with their reasons.</summary>
    public IReadOnlyList<string> SkipExamples { get; init; } = [];

    /// <summary>Documents read per file type by the folder readers (<c>html</c>, <c>markdown</c>, <c>pdf</c>, <c>docx</c>,
    /// <c>email</c>, <c>text</c>), or by the Lucene index reader per strategy (<c>lucene-term-vectors</c>, <c>lucene-postings</c>,
    /// <c>lucene-stored-text</c>); empty for other formats.</summary>
    public IReadOnlyDictionary<string, long> DocumentsByType { get; init; } = new Dictionary<string, long>();

    /// <summary>Skipped records or files per kind of reason (<c>encrypted PDF</c>, <c>unreadable docx</c>, <c>did not parse</c>, …).</summary>
    public IReadOnlyDictionary<string, long> SkipsByReason { get; init; } = new Dictionary<string, long>();

    /// <summary>E-mail attachments read into their message's document (<c>--attachments</c>).</summary>
    public long AttachmentsRead { get; init; }

    /// <summary>E-mail attachments not read (all of them without <c>--attachments</c>).</summary>
    public long AttachmentsSkipped { get; init; }

    /// <summary>What the readers read and skipped, as <c>update</c> and <c>infer</c> report it too.</summary>
    public ReadingSummary Reading => new()
    {
        DocumentsByType = DocumentsByType, SkippedRecords = SkippedRecords, SkipsByReason = SkipsByReason, SkipExamples = SkipExamples,
        Latin1Files = Latin1Files, AttachmentsRead = AttachmentsRead, AttachmentsSkipped = AttachmentsSkipped,
    };

    /// <summary>One line such as <c>html 120, pdf 3</c> for <see cref="DocumentsByType"/>, empty when there is none.</summary>
    public string DescribeTypes() => string.Join(", ", DocumentsByType.Select(p => $"{p.Key} {p.Value}"));

    /// <summary>One line such as <c>encrypted PDF 2, did not parse 1</c> for <see cref="SkipsByReason"/>.</summary>
    public string DescribeSkips() => string.Join(", ", SkipsByReason.Select(p => $"{p.Key} {p.Value}"));
}
