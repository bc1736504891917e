using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TopicEngine.Corpus;
using TopicEngine.Model;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine.Tests;

/// <summary>
/// corpus.json and model.json are read and written with System.Text.Json's compile-time metadata, not its reflection
/// path (which builds IL at run time: about 180 JIT-compiled methods and a tenth of a second of every <c>fit</c>). For a
/// while the resolvers combined a still-null generated <c>Default</c> and silently fell back to reflection for every type.
/// </summary>
public sealed class SourceGeneratedJsonTests
{
    public static TheoryData<Type> ModelTypes => new() { typeof(ModelManifest), typeof(ModelSnapshot.TrainerJson), typeof(TrainingCorpusRecord), typeof(AnalyzerSettings), typeof(FileChecksum) };

    [Theory]
    [MemberData(nameof(ModelTypes))]
    public void ModelJsonTypesComeFromTheGeneratedContext(Type type)
    {
        var info = ModelJson.Resolver.GetTypeInfo(type, new JsonSerializerOptions());
        Assert.NotNull(info);
        Assert.IsType<ModelJson>(info.OriginatingResolver);
    }

    [Fact]
    public void CorpusJsonComesFromTheGeneratedContext()
    {
        var info = CorpusJson.Resolver.GetTypeInfo(typeof(CorpusManifest), new JsonSerializerOptions());
        Assert.NotNull(info);
        Assert.IsType<CorpusJson>(info.OriginatingResolver);
    }

    [Fact]
    public void ATypeOutsideTheContextsStillFallsBackToReflection()
    {
        var info = ModelJson.Resolver.GetTypeInfo(typeof(Uri[]), new JsonSerializerOptions());
        Assert.NotNull(info);
        Assert.IsType<DefaultJsonTypeInfoResolver>(info.OriginatingResolver);
    }
}
