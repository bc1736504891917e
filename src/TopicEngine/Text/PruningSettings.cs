using System.Text.Json.Serialization;

namespace TopicEngine.Text;

/// <summary>
/// Which terms survive the vocabulary pass (the rules of gensim's <c>filter_extremes</c>):
/// keep a term seen in at least <see cref="MinDf"/> documents and in at most the fraction
/// <see cref="MaxDf"/> of them, then the <see cref="KeepN"/> with the highest document frequency.
/// </summary>
public sealed record PruningSettings
{
    /// <summary>Fewest documents a kept term appears in (<c>--min-df</c>); 0 also keeps terms a source declares but never uses (ids then match its vocabulary file).</summary>
    [JsonPropertyName("min_df")]
    public int MinDf { get; init; } = 5;

    /// <summary>Largest fraction of documents a kept term appears in, (0, 1] (<c>--max-df</c>).</summary>
    [JsonPropertyName("max_df")]
    public double MaxDf { get; init; } = 0.5;

    /// <summary>Most terms kept (<c>--keep-n</c>); ties in document frequency go to the higher collection frequency, then to the earlier term.</summary>
    [JsonPropertyName("keep_n")]
    public int KeepN { get; init; } = 100_000;

    /// <summary>No pruning at all (every term seen once or more is kept).</summary>
    public static PruningSettings None { get; } = new() { MinDf = 1, MaxDf = 1.0, KeepN = int.MaxValue };

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a value is out of range.</summary>
    public void Validate()
    {
        if (MinDf < 0) throw new TopicEngineException($"--min-df must be at least 0, not {MinDf}");
        if (!(MaxDf > 0 && MaxDf <= 1)) throw new TopicEngineException($"--max-df is a fraction of documents in (0, 1], not {MaxDf}");
        if (KeepN < 1) throw new TopicEngineException($"--keep-n must be at least 1, not {KeepN}");
    }
}
