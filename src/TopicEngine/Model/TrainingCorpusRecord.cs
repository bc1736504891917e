using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TopicEngine.Corpus;
using TopicEngine.Text;

namespace TopicEngine.Model;

/// <summary>
/// model.json's <c>training_corpus</c>: where the documents a model was fitted on came from, so that <c>evaluate</c> can
/// read them again as the default reference corpus for coherence. Either a prepared corpus folder (<c>prepared</c>), or
/// raw input paths with their format and reader options (<c>inputs</c>, <c>format</c>, <c>reader</c>), or the embedded
/// default corpus; with the analyzer settings they were read with. Documents given in memory leave no record.
/// Paths are absolute. <c>update</c> keeps the record of the fit (the documents it folded in are not listed).
/// </summary>
internal sealed record TrainingCorpusRecord
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        TypeInfoResolver = ModelJson.Resolver,
    };

    /// <summary>A prepared corpus folder (absolute), or null.</summary>
    [JsonPropertyName("prepared")] public string? Prepared { get; init; }

    /// <summary>Raw input files or folders (absolute).</summary>
    [JsonPropertyName("inputs")] public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The <c>--format</c> of <see cref="Inputs"/>.</summary>
    [JsonPropertyName("format")] public CorpusFormat Format { get; init; } = CorpusFormat.Auto;

    /// <summary>How <see cref="Inputs"/> were read.</summary>
    [JsonPropertyName("reader")] public ReaderOptions? Reader { get; init; }

    /// <summary>True when the model was fitted on the embedded default corpus.</summary>
    [JsonPropertyName("embedded_default")] public bool EmbeddedDefault { get; init; }

    /// <summary>The analyzer settings the text was read with (null for pre-counted input).</summary>
    [JsonPropertyName("analyzer")] public AnalyzerSettings? Analyzer { get; init; }

    /// <summary>This record as the JSON object model.json holds.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Json)!.AsObject();

    /// <summary>The record in <paramref name="json"/>, or null when there is none or it cannot be read (an older or foreign
    /// model: the caller falls back to another reference).</summary>
    public static TrainingCorpusRecord? FromJson(JsonObject? json)
    {
        if (json is null) return null;
        try
        {
            return json.Deserialize<TrainingCorpusRecord>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
