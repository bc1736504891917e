using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TopicEngine.Storage;

namespace TopicEngine.Model;

/// <summary>One entry of model.json's <c>updates</c> history: a fit, an update or a checkpoint.</summary>
/// <param name="Kind"><c>fit</c>, <c>update</c> or <c>checkpoint</c>.</param>
/// <param name="When">When it finished (UTC).</param>
/// <param name="Documents">Documents it trained on.</param>
/// <param name="NewTerms">Terms it added to the vocabulary (update --grow-vocab).</param>
/// <param name="Steps">Global steps t after it.</param>
internal sealed record ModelUpdate(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("when")] DateTimeOffset When,
    [property: JsonPropertyName("documents")] long Documents,
    [property: JsonPropertyName("new_terms")] int NewTerms,
    [property: JsonPropertyName("steps")] long Steps);

/// <summary>
/// <c>model.json</c>: what the Parquet files do not say (sizes, priors, schedule, provenance) and the
/// SHA-256 and size of every other file, so a damaged or mixed-up directory is refused by name.
/// Written last, so its presence marks a complete model.
/// </summary>
internal sealed class ModelManifest
{
    public const string FileName = "model.json";

    /// <summary>The version this build writes and reads; any other is refused.</summary>
    public const int CurrentFormatVersion = 1;

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = ModelJson.Resolver,
    };

    [JsonPropertyName("format_version")] public int FormatVersion { get; set; } = CurrentFormatVersion;
    [JsonPropertyName("topics")] public int Topics { get; set; }
    [JsonPropertyName("vocabulary_size")] public int VocabularySize { get; set; }
    [JsonPropertyName("alpha")] public float[] Alpha { get; set; } = [];
    [JsonPropertyName("eta")] public float Eta { get; set; }
    [JsonPropertyName("tau0")] public double Tau0 { get; set; }
    [JsonPropertyName("kappa")] public double Kappa { get; set; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; set; }
    [JsonPropertyName("seed")] public long Seed { get; set; }
    /// <summary>Global steps done, t (ρ_t continues from here).</summary>
    [JsonPropertyName("steps")] public long Steps { get; set; }
    [JsonPropertyName("documents_seen")] public long DocumentsSeen { get; set; }
    /// <summary>D, the corpus size the global step scaled by (D/|B|).</summary>
    [JsonPropertyName("corpus_documents")] public long CorpusDocuments { get; set; }
    [JsonPropertyName("analyzer")] public JsonObject? Analyzer { get; set; }
    /// <summary>Where the fitted documents came from (<see cref="TrainingCorpusRecord"/>), or null.</summary>
    [JsonPropertyName("training_corpus")] public JsonObject? TrainingCorpus { get; set; }
    [JsonPropertyName("vocabulary_hash")] public string VocabularyHash { get; set; } = "";
    [JsonPropertyName("backend")] public string Backend { get; set; } = "";
    [JsonPropertyName("created_utc")] public DateTimeOffset Created { get; set; }
    [JsonPropertyName("updated_utc")] public DateTimeOffset Updated { get; set; }
    [JsonPropertyName("updates")] public List<ModelUpdate> Updates { get; set; } = [];
    /// <summary>Opaque trainer state for checkpoints/resume (owned by the trainer), or null.</summary>
    [JsonPropertyName("trainer")] public JsonObject? Trainer { get; set; }
    /// <summary>Every other file of the directory: name → SHA-256 and size.</summary>
    [JsonPropertyName("files")] public SortedDictionary<string, FileChecksum> Files { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Writes the manifest to <paramref name="path"/>, atomically.</summary>
    public Task WriteAsync(string path, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, (stream, ct) => JsonSerializer.SerializeAsync(stream, this, Json, ct), cancellationToken);

    /// <summary>Reads and checks <paramref name="path"/>: present, valid JSON, a known format version, and consistent sizes.</summary>
    public static async Task<ModelManifest> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        // System.Text.Json transcodes strings lazily: invalid UTF-8 surfaces as InvalidOperationException wherever a
        // property name or string is first read; a key given twice as ArgumentException when the object is first read.
        try { return await ReadCheckedAsync(path, cancellationToken); }
        catch (InvalidOperationException e)
        {
            throw new TopicEngineException($"{path}: not valid UTF-8 JSON ({(e.InnerException ?? e).Message.ReplaceLineEndings(" ")})", e);
        }
        catch (ArgumentException e)
        {
            throw new TopicEngineException($"{path}: not a valid model manifest ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private static async Task<ModelManifest> ReadCheckedAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new TopicEngineException($"{path}: file is missing; {Path.GetDirectoryName(Path.GetFullPath(path))} is not a complete TopicEngine model directory");
        JsonNode? node;
        try
        {
            await using var stream = File.OpenRead(path);
            node = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new TopicEngineException($"{path}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (node is not JsonObject json) throw new TopicEngineException($"{path}: not a JSON object");
        if (json["format_version"] is not JsonValue versionValue || !versionValue.TryGetValue(out int version))
            throw new TopicEngineException($"{path}: no format_version; not a TopicEngine model");
        if (version != CurrentFormatVersion)
            throw new TopicEngineException($"{path}: format version {version} is not supported (this TopicEngine reads version {CurrentFormatVersion}); use the TopicEngine that wrote it, or fit the model again");

        ModelManifest manifest;
        try
        {
            manifest = json.Deserialize<ModelManifest>(Json) ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw new TopicEngineException($"{path}: a field has the wrong type ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (manifest.Topics <= 0) throw new TopicEngineException($"{path}: topics is {manifest.Topics}; must be positive");
        if (manifest.VocabularySize <= 0) throw new TopicEngineException($"{path}: vocabulary_size is {manifest.VocabularySize}; must be positive");
        if (manifest.Alpha.Length != manifest.Topics)
            throw new TopicEngineException($"{path}: alpha has {manifest.Alpha.Length} values for {manifest.Topics} topics");
        if (manifest.Alpha.Any(a => !(a > 0) || !float.IsFinite(a)) || !(manifest.Eta > 0) || !float.IsFinite(manifest.Eta))
            throw new TopicEngineException($"{path}: alpha and eta must be finite and positive");
        return manifest;
    }
}
