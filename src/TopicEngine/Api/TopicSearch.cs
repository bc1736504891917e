namespace TopicEngine;

/// <summary>How <c>--like</c> measures the distance between two topic mixtures θ (<c>--distance</c>).</summary>
public enum TopicDistance
{
    /// <summary>Hellinger: (1/√2) ‖√p − √q‖₂ = sqrt(1 − Σ_k sqrt(p_k q_k)), in [0, 1].</summary>
    Hellinger,
    /// <summary>Jensen–Shannon divergence in bits: ½ KL(p‖m) + ½ KL(q‖m), m = ½(p + q), in [0, 1].</summary>
    JensenShannon,
}

/// <summary>A query of <see cref="TopicIndex.Search"/> (<c>topic-engine search</c>). Immutable; the defaults are the command's.</summary>
public sealed record TopicSearchRequest
{
    /// <summary>Keywords (<c>--query</c>), analysed as the index's text was; a document matches when it has any of them.
    /// Null: every document.</summary>
    public string? Query { get; init; }

    /// <summary>Only documents with this topic in <c>P_above</c> (<c>--topic</c>); null: no topic filter.</summary>
    public int? Topic { get; init; }

    /// <summary>Rank the matching documents by the distance of their θ to this document's (its id, <c>--like</c>); null: by score.</summary>
    public string? LikeId { get; init; }

    /// <summary>The distance <see cref="LikeId"/> ranks by (<c>--distance</c>). Default: Hellinger.</summary>
    public TopicDistance Distance { get; init; } = TopicDistance.Hellinger;

    /// <summary>Count the matching documents per topic (<c>--facets</c>). Default: false.</summary>
    public bool Facets { get; init; }

    /// <summary>Hits returned (<c>--top</c>). Default: 10.</summary>
    public int Top { get; init; } = 10;

    /// <summary>Characters of the text shown per hit. Default: 120.</summary>
    public int SnippetLength { get; init; } = 120;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the setting when a value is out of range.</summary>
    public void Validate()
    {
        if (Top < 1) throw new TopicEngineException($"--top must be at least 1, not {Top}");
        if (Topic is < 0) throw new TopicEngineException($"--topic must be a topic id (0 or more), not {Topic}");
        if (SnippetLength < 0) throw new TopicEngineException($"SnippetLength must not be negative, not {SnippetLength}");
        if (Query is not null && string.IsNullOrWhiteSpace(Query)) throw new TopicEngineException("--query is empty");
    }
}

/// <summary>One document found by <see cref="TopicIndex.Search"/>.</summary>
/// <param name="Id">Its key (the id field).</param>
/// <param name="Score">The keyword score, or with <see cref="TopicSearchRequest.LikeId"/> the distance (smaller is nearer).</param>
/// <param name="DominantTopic">Its dominant topic, or null when it has no topic fields.</param>
/// <param name="TopicWords">The dominant topic's top words as the index records them (empty when unknown).</param>
/// <param name="Snippet">The start of its text, white space collapsed.</param>
public sealed record TopicSearchHit(string Id, double Score, int? DominantTopic, string TopicWords, string Snippet);

/// <summary>The count of matching documents for one topic.</summary>
/// <param name="Topic">The topic id.</param>
/// <param name="Dominant">Documents whose dominant topic it is.</param>
/// <param name="Above">Documents where it is at or above the threshold.</param>
/// <param name="TopicWords">Its top words as the index records them.</param>
public sealed record TopicFacet(int Topic, long Dominant, long Above, string TopicWords);

/// <summary>What <see cref="TopicIndex.Search"/> found.</summary>
/// <param name="Matches">Live documents matching the query and topic filter.</param>
/// <param name="Hits">The best <see cref="TopicSearchRequest.Top"/> of them, best first.</param>
/// <param name="Facets">Counts per topic, by topic id (empty unless asked).</param>
/// <param name="ModelStamp">The model stamp the index's last annotation or build recorded (empty when none).</param>
public sealed record TopicSearchResults(long Matches, IReadOnlyList<TopicSearchHit> Hits, IReadOnlyList<TopicFacet> Facets, string ModelStamp);
