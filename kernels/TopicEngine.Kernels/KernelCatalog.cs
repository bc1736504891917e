using System.Reflection;

namespace TopicEngine.Kernels;

/// <summary>One kernel of the engine: its name, method and whether it is explicitly grouped
/// (takes a <c>KernelConfig</c>) or implicitly grouped (takes an index).</summary>
internal sealed record KernelEntry(string Name, MethodInfo Method, bool ExplicitlyGrouped);

/// <summary>Every kernel, for tests that compile each one to PTX and for <c>devices --check</c>.</summary>
internal static class KernelCatalog
{
    public static IReadOnlyList<KernelEntry> All { get; } =
    [
        Explicit(typeof(LocalStepKernels), nameof(LocalStepKernels.EStep)),
        Explicit(typeof(LocalStepKernels), nameof(LocalStepKernels.Statistics)),
        Explicit(typeof(LocalStepKernels), nameof(LocalStepKernels.DocumentBound)),
        Explicit(typeof(TermStatisticsKernels), nameof(TermStatisticsKernels.TokenRatios)),
        Implicit(typeof(TermStatisticsKernels), nameof(TermStatisticsKernels.TermStatistics)),
        Explicit(typeof(GlobalStepKernels), nameof(GlobalStepKernels.BlendAndPartialRowSums)),
        Implicit(typeof(GlobalStepKernels), nameof(GlobalStepKernels.DigammaOfRowSums)),
        Implicit(typeof(GlobalStepKernels), nameof(GlobalStepKernels.ExpElogBeta)),
        Explicit(typeof(ModelSumKernels), nameof(ModelSumKernels.TopicWordBoundPartials)),
        Explicit(typeof(ModelSumKernels), nameof(ModelSumKernels.DigammaPartials)),
        Explicit(typeof(ModelSumKernels), nameof(ModelSumKernels.CompletionLogLikelihood)),
    ];

    private static KernelEntry Explicit(Type type, string name) => new(name, Find(type, name), true);

    private static KernelEntry Implicit(Type type, string name) => new(name, Find(type, name), false);

    private static MethodInfo Find(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new InvalidOperationException($"Kernel {type.Name}.{name} not found.");
}
