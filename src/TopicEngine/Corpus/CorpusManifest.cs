using System.Text.Json;
using System.Text.Json.Serialization;
using TopicEngine.Text;

namespace TopicEngine.Corpus;

/// <summary>One input of a prepared corpus, as recorded in corpus.json.</summary>
internal sealed record CorpusSourceInfo(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("description")] string Description);

/// <summary>
/// <c>corpus.json</c>: what a prepared corpus holds and how it was made. Counts are after
/// pruning unless named otherwise.
/// </summary>
internal sealed record CorpusManifest
{
    public const string FileName = "corpus.json";
    public const int CurrentFormatVersion = 1;

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    [JsonPropertyName("analyzer")] public required AnalyzerSettings Analyzer { get; init; }
    [JsonPropertyName("pruning")] public required PruningSettings Pruning { get; init; }
    [JsonPropertyName("documents")] public long Documents { get; init; }
    [JsonPropertyName("empty_documents")] public long EmptyDocuments { get; init; }
    [JsonPropertyName("tokens")] public long Tokens { get; init; }
    [JsonPropertyName("tokens_before_pruning")] public long TokensBeforePruning { get; init; }
    [JsonPropertyName("non_zeros")] public long NonZeros { get; init; }
    [JsonPropertyName("vocabulary_size")] public int VocabularySize { get; init; }
    [JsonPropertyName("vocabulary_size_before_pruning")] public int VocabularySizeBeforePruning { get; init; }
    [JsonPropertyName("vocabulary_fingerprint")] public string VocabularyFingerprint { get; init; } = "";
    [JsonPropertyName("skipped_records")] public long SkippedRecords { get; init; }
    [JsonPropertyName("latin1_files")] public long Latin1Files { get; init; }
    [JsonPropertyName("documents_by_type")] public IReadOnlyDictionary<string, long> DocumentsByType { get; init; } = new Dictionary<string, long>();
    [JsonPropertyName("skips_by_reason")] public IReadOnlyDictionary<string, long> SkipsByReason { get; init; } = new Dictionary<string, long>();
    [JsonPropertyName("attachments_read")] public long AttachmentsRead { get; init; }
    [JsonPropertyName("attachments_skipped")] public long AttachmentsSkipped { get; init; }
    [JsonPropertyName("sources")] public IReadOnlyList<CorpusSourceInfo> Sources { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, TypeInfoResolver = CorpusJson.Resolver };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public static CorpusManifest Read(string path)
    {
        if (!File.Exists(path)) throw new TopicEngineException($"{path} does not exist; is this a folder written by 'topic-engine prepare'?");
        CorpusManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<CorpusManifest>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new TopicEngineException($"{path}: not a valid corpus.json ({e.Message})", e); }
        if (manifest is null) throw new TopicEngineException($"{path}: empty corpus.json");
        if (manifest.FormatVersion != CurrentFormatVersion)
            throw new TopicEngineException($"{path}: prepared corpus format version {manifest.FormatVersion}, this build reads version {CurrentFormatVersion}; run 'topic-engine prepare' again");
        return manifest;
    }
}
