using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TopicEngine.Text;

namespace TopicEngine.Model;

/// <summary>
/// Compile-time JSON metadata of <c>model.json</c> and what it embeds (System.Text.Json's source generator): writing a
/// model then needs no reflection or generated IL at run time (see <see cref="Corpus.CorpusJson"/>). Other types fall
/// back to reflection.
/// </summary>
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(ModelSnapshot.TrainerJson))]
[JsonSerializable(typeof(TrainingCorpusRecord))]
[JsonSerializable(typeof(AnalyzerSettings))]
internal sealed partial class ModelJson : JsonSerializerContext
{
    /// <summary>This context first, reflection for anything else. A context of its own, not <c>Default</c>: the generated
    /// <c>Default</c> is initialised in another part of this class, after this one, and was still null here, so
    /// <c>Combine</c> skipped it and every type went through reflection (found in issue 14's start-up profile).</summary>
    public static IJsonTypeInfoResolver Resolver { get; } = JsonTypeInfoResolver.Combine(new ModelJson(), new DefaultJsonTypeInfoResolver());

    /// <summary>The default options with this resolver (for values written with System.Text.Json's defaults).</summary>
    private static JsonSerializerOptions Plain { get; } = new() { TypeInfoResolver = Resolver };

    /// <summary>model.json's <c>analyzer</c> object for <paramref name="settings"/>, or null for pre-counted input.</summary>
    public static JsonObject? AnalyzerNode(AnalyzerSettings? settings) =>
        settings is null ? null : JsonSerializer.SerializeToNode(settings, Plain)!.AsObject();
}
