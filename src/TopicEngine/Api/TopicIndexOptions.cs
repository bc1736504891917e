namespace TopicEngine;

/// <summary>How <see cref="TopicIndex"/> builds and annotates an index (<c>topic-engine index</c>, <c>annotate</c>). Immutable.</summary>
public sealed record TopicIndexOptions
{
    /// <summary>The stored, indexed field holding each document's key (<c>--id-field</c>); <c>annotate</c> re-adds documents by it.
    /// Default: <c>id</c>.</summary>
    public string IdField { get; init; } = "id";

    /// <summary>Which fields hold the text, the topic field prefix, the threshold, the failure policy and the batch size.
    /// <c>index</c> writes the text into the first source field (default <c>text</c>).</summary>
    public TopicEnricherOptions Enricher { get; init; } = new();

    /// <summary>Add topic fields (false: <c>index --no-topics</c>, the same index without them, to measure their cost). Default: true.</summary>
    public bool Topics { get; init; } = true;

    /// <summary><c>annotate</c>: commit after this many changed documents, so that a long run keeps its progress when killed
    /// (every commit holds each document with complete topic fields or none). Default: 10,000.</summary>
    public int CommitEvery { get; init; } = 10_000;

    /// <summary>Words per topic recorded in the index's commit data for <c>search</c> to show. Default: 8.</summary>
    public int TopWords { get; init; } = 8;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the setting when a value is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(IdField)) throw new TopicEngineException("IdField (--id-field) must not be empty");
        Enricher.Validate();
        if (Enricher.SourceFields.Contains(IdField, StringComparer.Ordinal))
            throw new TopicEngineException($"the id field '{IdField}' cannot also be a text field");
        if (CommitEvery < 1) throw new TopicEngineException($"CommitEvery must be at least 1, not {CommitEvery}");
        if (TopWords < 1) throw new TopicEngineException($"TopWords must be at least 1, not {TopWords}");
    }
}

/// <summary>What <see cref="TopicIndex.BuildAsync"/> or <see cref="TopicIndex.AnnotateAsync"/> did.</summary>
/// <param name="IndexDirectory">The index folder (full path).</param>
/// <param name="Documents">Documents written (build) or read (annotate).</param>
/// <param name="Enriched">Documents given topic fields.</param>
/// <param name="Skipped">Documents left without topic fields under the skip or callback policy.</param>
/// <param name="Changed">Documents re-added because their fields changed (annotate; equals <paramref name="Documents"/> for build).</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="ModelStamp">The model identity written into the documents (empty without topics).</param>
public sealed record TopicIndexReport(string IndexDirectory, long Documents, long Enriched, long Skipped, long Changed, TimeSpan Elapsed, string ModelStamp)
{
    /// <summary>Documents per second of <see cref="Elapsed"/>.</summary>
    public double DocumentsPerSecond => Documents / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Annotate: indexed fields no document stores, whose indexed terms re-adding cannot keep (empty when none).</summary>
    public IReadOnlyList<string> UnstoredFields { get; init; } = [];
}
