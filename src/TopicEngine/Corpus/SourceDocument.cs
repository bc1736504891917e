namespace TopicEngine.Corpus;

/// <summary>
/// One document as a reader yields it: raw text to analyse, or terms already counted (UCI,
/// LDA-C) as indexes into the source's own term list with their counts.
/// </summary>
internal sealed class SourceDocument
{
    private SourceDocument(string key, string origin, string? text, int[]? termIndexes, int[]? counts)
    {
        Key = key;
        Origin = origin;
        Text = text;
        TermIndexes = termIndexes;
        Counts = counts;
    }

    /// <summary>The document's key in outputs: relative path, record id, or file:line.</summary>
    public string Key { get; }

    /// <summary>Where it came from, for error messages: <c>path</c> or <c>path:line</c>.</summary>
    public string Origin { get; }

    /// <summary>Raw text (null for a pre-counted document).</summary>
    public string? Text { get; }

    /// <summary>Indexes into <see cref="CorpusSource.TermName"/> (null for a text document).</summary>
    public int[]? TermIndexes { get; }

    /// <summary>Positive counts aligned with <see cref="TermIndexes"/>.</summary>
    public int[]? Counts { get; }

    public bool IsCounted => TermIndexes is not null;

    public static SourceDocument FromText(string key, string origin, string text) => new(key, origin, text, null, null);

    public static SourceDocument FromCounts(string key, string origin, int[] termIndexes, int[] counts) => new(key, origin, null, termIndexes, counts);
}
