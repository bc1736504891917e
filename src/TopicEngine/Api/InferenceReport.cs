namespace TopicEngine;

/// <summary>What <see cref="TopicModel.InferToFileAsync"/> did.</summary>
/// <param name="Documents">Documents written.</param>
/// <param name="Tokens">Tokens the model knows, over all documents (the token_count column summed).</param>
/// <param name="UnknownTokens">Tokens dropped because the vocabulary lacks their term.</param>
/// <param name="SkippedRecords">Records the readers skipped (<see cref="Corpus.OnError.Skip"/>).</param>
/// <param name="Backend">The backend that ran the local step ("cpu", "cuda", …).</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="OutputPath">The file written (full path).</param>
public sealed record InferenceReport(long Documents, long Tokens, long UnknownTokens, long SkippedRecords, string Backend, TimeSpan Elapsed, string OutputPath)
{
    /// <summary>A caution about the input (e.g. raw text for a model fitted on pre-counted input), or null.</summary>
    public string? Warning { get; init; }

    /// <summary>What the readers read and skipped: documents per type, skips per reason, attachments.</summary>
    public ReadingSummary Reading { get; init; } = new();

    /// <summary>Documents per second of <see cref="Elapsed"/>.</summary>
    public double DocumentsPerSecond => Documents / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
