using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace TopicEngine.Corpus;

/// <summary>
/// Compile-time JSON metadata of <c>corpus.json</c> (System.Text.Json's source generator): reading it then needs no
/// reflection or generated IL at run time, which took about 0.17 s of every <c>fit</c> on a prepared corpus (the JIT of
/// the serializer's reflection path; benchmarks/RESULTS.md §13f). Other types fall back to reflection.
/// </summary>
[JsonSerializable(typeof(CorpusManifest))]
internal sealed partial class CorpusJson : JsonSerializerContext
{
    /// <summary>This context first, reflection for anything else. A context of its own, not <c>Default</c>: the generated
    /// <c>Default</c> is initialised in another part of this class, after this one, and was still null here, so
    /// <c>Combine</c> skipped it and every type went through reflection (found in issue 14's start-up profile).</summary>
    public static IJsonTypeInfoResolver Resolver { get; } = JsonTypeInfoResolver.Combine(new CorpusJson(), new DefaultJsonTypeInfoResolver());
}
