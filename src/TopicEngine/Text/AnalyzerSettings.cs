using System.Text.Json.Serialization;

namespace TopicEngine.Text;

/// <summary>
/// How raw text becomes terms. Saved with every prepared corpus and model so that new
/// documents are analysed exactly as the training documents were. Immutable; serialises to
/// JSON as it reads (<c>{"language":"en","stem":false,...}</c>).
/// </summary>
/// <remarks>
/// The chain, top to bottom: Unicode word segmentation (Lucene's UAX29URLEmailTokenizer, which
/// also recognises URLs, host names and e-mail addresses; those are dropped unless <see cref="KeepUrls"/>),
/// CJK width folding and bigrams, lower-casing (and the language's elision or possessive
/// handling), stop words, minimum length, tokens without any letter dropped (numbers, dates),
/// optional stemming, optional word n-grams joined by a space. File names (<c>os.html</c>, <c>setup.py</c>) are
/// dropped after lower-casing unless <see cref="KeepUrls"/>.
/// </remarks>
public sealed record AnalyzerSettings : IJsonOnDeserializing
{
    private bool _keepUrls;

    /// <summary>The languages with an analysis chain: English, German, French, Spanish.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "de", "fr", "es"];

    /// <summary>ISO 639-1 code of the text's language: <c>en</c>, <c>de</c>, <c>fr</c> or <c>es</c>. Default <c>en</c>.</summary>
    [JsonPropertyName("language")]
    public string Language { get; init; } = "en";

    /// <summary>Reduce words to their stems (Porter for English, Lucene's light stemmers otherwise). Default off.</summary>
    [JsonPropertyName("stem")]
    public bool Stem { get; init; }

    /// <summary>Longest word n-gram to emit besides single words, 1..3 (2 adds bigrams such as "neural network"). Default 1.</summary>
    [JsonPropertyName("ngrams")]
    public int NGrams { get; init; } = 1;

    /// <summary>Shortest token kept, in characters (CJK tokens are exempt). Default 3.</summary>
    [JsonPropertyName("min_token_length")]
    public int MinTokenLength { get; init; } = 3;

    /// <summary>Remove the language's stop words (the Snowball lists). Default on.</summary>
    [JsonPropertyName("stop_words")]
    public bool StopWords { get; init; } = true;

    /// <summary>
    /// More words to remove besides the language's stop list, lower-case, compared before
    /// stemming (a domain's boilerplate, e.g. "initializes" in API documentation). Default none.
    /// </summary>
    [JsonPropertyName("extra_stop_words")]
    public IReadOnlyList<string> ExtraStopWords { get; init; } = [];

    /// <summary>
    /// Keep URLs, host names, e-mail addresses and file names as words (<c>--keep-urls</c>): the chain then segments
    /// with Lucene's StandardTokenizer, as TopicEngine did before these were dropped. Default off: they are dropped.
    /// Settings saved without this field (older corpora and models) read as on, so they analyse new text as before.
    /// </summary>
    [JsonPropertyName("keep_urls")]
    public bool KeepUrls { get => _keepUrls; init => _keepUrls = value; }

    /// <summary>Before JSON fills the properties: a saved setting without <c>keep_urls</c> predates it and kept them.</summary>
    void IJsonOnDeserializing.OnDeserializing() => _keepUrls = true;

    /// <summary>Drop tokens that contain no letter (42, 3.14, 2024-01-01). Default on.</summary>
    [JsonPropertyName("drop_numbers")]
    public bool DropNumbers { get; init; } = true;

    /// <summary>Settings are equal when every value is, the extra stop words compared in order.</summary>
    public bool Equals(AnalyzerSettings? other) =>
        other is not null && Language == other.Language && Stem == other.Stem && NGrams == other.NGrams
        && MinTokenLength == other.MinTokenLength && StopWords == other.StopWords && DropNumbers == other.DropNumbers && KeepUrls == other.KeepUrls
        && ExtraStopWords.SequenceEqual(other.ExtraStopWords);

    /// <summary>A hash consistent with <see cref="Equals(AnalyzerSettings?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Language, Stem, NGrams, MinTokenLength, StopWords, DropNumbers, ExtraStopWords.Count, KeepUrls);

    /// <summary>Throws <see cref="TopicEngineException"/> naming the option when a setting is out of range.</summary>
    public void Validate()
    {
        if (!Languages.Contains(Language))
            throw new TopicEngineException($"unknown language '{Language}' (--language takes {string.Join(", ", Languages)})");
        if (NGrams is < 1 or > 3)
            throw new TopicEngineException($"--ngrams must be 1, 2 or 3, not {NGrams}");
        if (MinTokenLength is < 1 or > 100)
            throw new TopicEngineException($"--min-length must be between 1 and 100, not {MinTokenLength}");
    }
}
