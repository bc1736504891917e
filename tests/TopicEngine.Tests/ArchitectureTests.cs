using NetArchTest.Rules;

namespace TopicEngine.Tests;

/// <summary>
/// Layers only look down (DESIGN.md, STYLE.md 13): each folder of the library is a namespace, in the order
/// Storage → Text → Corpus → Inference → Backends → Evaluation → Model → Api (the root namespace <c>TopicEngine</c>), and no
/// type of a layer depends on a type of a layer above it. Checked on the compiled assembly (NetArchTest reads the IL), so a
/// backward <c>using</c>, a fully qualified name or a lambda's capture all count. <see cref="TopicEngineException"/> sits
/// in the root namespace but belongs to no layer: every layer throws it.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Bottom first.</summary>
    public static readonly string[] Layers = ["Storage", "Text", "Corpus", "Inference", "Backends", "Evaluation", "Model", "Api"];

    private static readonly System.Reflection.Assembly Library = typeof(TopicModel).Assembly;

    public static TheoryData<string> LayerNames => new(Layers);

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void NoLayerDependsOnALayerAboveIt(string layer)
    {
        int index = Array.IndexOf(Layers, layer);
        var above = Layers.Skip(index + 1).SelectMany(TypeNamesOf).ToArray();
        if (above.Length == 0) return;   // Api is the top
        var result = Types.InAssembly(Library).That().ResideInNamespaceMatching(Exactly(Namespace(layer))).ShouldNot().HaveDependencyOnAny(above).GetResult();
        Assert.True(result.IsSuccessful, $"{layer} depends on a layer above it: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void EveryTypeOfTheLibraryBelongsToALayer()
    {
        var strays = Library.GetTypes()
            .Where(t => !t.Name.StartsWith('<') && t.DeclaringType is null && t != typeof(TopicEngineException))
            .Where(t => LayerOf(t) is null)
            .Select(t => t.FullName)
            .ToArray();
        Assert.True(strays.Length == 0, $"types outside the layers: {string.Join(", ", strays)}");
    }

    [Fact]
    public void TheCheckSeesADependencyThatPointsDown()
    {
        // The same rule read the other way must fail: Model uses Inference (the trainer) and Corpus (prepared corpora).
        var result = Types.InAssembly(Library).That().ResideInNamespaceMatching(Exactly(Namespace("Model"))).ShouldNot()
            .HaveDependencyOnAny([.. TypeNamesOf("Inference")]).GetResult();
        Assert.False(result.IsSuccessful);
    }

    /// <summary>A pattern for exactly this namespace (ResideInNamespace would also take TopicEngine.CorpusInput for TopicEngine.Corpus).</summary>
    private static string Exactly(string ns) => "^" + System.Text.RegularExpressions.Regex.Escape(ns) + "$";

    private static string Namespace(string layer) => layer == "Api" ? "TopicEngine" : "TopicEngine." + layer;

    private static string? LayerOf(Type type) => type.Namespace == "TopicEngine" ? "Api"
        : Layers.FirstOrDefault(l => type.Namespace == "TopicEngine." + l);

    /// <summary>Full names of the layer's top-level types (the Api layer's are those of the root namespace, less the shared exception).</summary>
    private static IEnumerable<string> TypeNamesOf(string layer) => Library.GetTypes()
        .Where(t => t.DeclaringType is null && !t.Name.StartsWith('<') && t != typeof(TopicEngineException) && LayerOf(t) == layer)
        .Select(t => t.FullName!);
}
