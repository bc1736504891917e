namespace TopicEngine;

/// <summary>What <see cref="TopicEnricher"/> does when a document cannot be enriched (<c>--on-failure</c>).</summary>
public enum EnrichmentFailurePolicy
{
    /// <summary>Throw a <see cref="TopicEngineException"/> naming the document (the default).</summary>
    Fail,
    /// <summary>Leave the document without topic fields and count it in <see cref="TopicEnricher.Skipped"/>.</summary>
    Skip,
    /// <summary>As <see cref="Skip"/>, and call <see cref="TopicEnricherOptions.OnFailure"/> with the document and the error.</summary>
    Callback,
}

/// <summary>A document <see cref="TopicEnricher"/> could not enrich, as the failure callback receives it.</summary>
/// <param name="Document">The document (left without topic fields).</param>
/// <param name="Error">Why: a missing source field, or an inference error.</param>
public sealed record EnrichmentFailure(Lucene.Net.Documents.Document Document, Exception Error);

/// <summary>
/// How <see cref="TopicEnricher"/> maps a document to topic fields. Immutable; the defaults are those of
/// <c>topic-engine index</c> and <c>annotate</c>.
/// </summary>
public sealed record TopicEnricherOptions
{
    /// <summary>The source field(s) whose stored text is inferred (joined by new lines when several). Default: <c>text</c>.</summary>
    public IReadOnlyList<string> SourceFields { get; init; } = ["text"];

    /// <summary>The prefix of every field written (<c>PREFIX_dominant</c>, <c>PREFIX_above</c>, <c>PREFIX_theta</c>,
    /// <c>PREFIX_model</c>). Default: <c>topic</c>.</summary>
    public string TargetPrefix { get; init; } = "topic";

    /// <summary>A topic goes into <c>PREFIX_above</c> when its θ is at least this (the dominant topic always does). Default: 0.1.</summary>
    public float Threshold { get; init; } = 0.1f;

    /// <summary>What a document that cannot be enriched does (<c>--on-failure</c>). Default: fail.</summary>
    public EnrichmentFailurePolicy FailurePolicy { get; init; } = EnrichmentFailurePolicy.Fail;

    /// <summary>Called for each failed document under <see cref="EnrichmentFailurePolicy.Callback"/>, possibly from several
    /// threads at once. Required for that policy.</summary>
    public Action<EnrichmentFailure>? OnFailure { get; init; }

    /// <summary>Documents inferred together by <see cref="TopicEnricher.Enrich(IReadOnlyList{Lucene.Net.Documents.Document})"/>
    /// (spread over the model's threads). Default: 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the setting when a value is out of range.</summary>
    public void Validate()
    {
        if (SourceFields is null || SourceFields.Count == 0 || SourceFields.Any(string.IsNullOrEmpty))
            throw new TopicEngineException("SourceFields (--field) must name at least one field");
        if (string.IsNullOrEmpty(TargetPrefix)) throw new TopicEngineException("TargetPrefix (--prefix) must not be empty");
        if (!(Threshold > 0 && Threshold <= 1)) throw new TopicEngineException($"Threshold (--threshold) must be in (0, 1], not {Threshold}");
        if (BatchSize < 1) throw new TopicEngineException($"BatchSize (--batch-size) must be at least 1, not {BatchSize}");
        if (FailurePolicy == EnrichmentFailurePolicy.Callback && OnFailure is null)
            throw new TopicEngineException("the callback failure policy needs OnFailure");
    }
}
