using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using TopicEngine.Backends;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>The backend contract for <see cref="GpuBackend"/> on ILGPU's CPU simulator (warp 2, 2 warps,
/// 4 threads per group), tolerance as the issue asks: 1e-4 relative. On a real GPU the same
/// kernels run; <c>topic-engine devices --check</c> compares them there.</summary>
public sealed class GpuBackendContractTests(SmallGroupTestAccelerator device) : BackendContractTests, IClassFixture<SmallGroupTestAccelerator>
{
    internal override ILdaBackend CreateBackend(int topics) => new GpuBackend(device.Accelerator, topics);

    /// <summary>In float, mean |Δγ| rarely falls below 1e-6 (the rounding noise of γ ~ 10), so the
    /// base settings would run 3000 iterations per document on a simulator that pays OS-thread
    /// synchronisation for every barrier. Both backends run exactly 30 iterations (tolerance 0) and must agree: with a
    /// stopping tolerance the two could stop one iteration apart, and γ then differs by about that tolerance
    /// (1.5e-4 at K = 17 with tolerance 1e-4) whatever the kernels compute.</summary>
    private protected override LocalStepOptions Converged => new(MaxIterations: 30, Tolerance: 0f);

    /// <summary>ψ and lnΓ run in float on the device; products and sums are in double, as on the host.</summary>
    protected override double ModelSumTolerance => 1e-4;

    /// <summary>GpuBackend serialises every call with one lock; one call per concurrent caller shows it. (The CPU suite's
    /// 5 repeats × 8 callers and 100 rounds do not finish in minutes on the simulator on a 2-core machine.)</summary>
    private protected override int ThreadSafetyRepeats => 1;

    /// <summary>The first-use race is a CPU-backend concern (GpuBackend refreshes expElogβ eagerly
    /// on the device and serialises calls); one round checks that concurrent calls agree.</summary>
    protected override int ConcurrencyRounds => 1;
}

/// <summary>
/// A representative subset of the backend contract for <see cref="GpuBackend"/> on a warp-32 simulator with
/// 256-thread groups (the shape of a CUDA launch), with the contract's smaller warp-32 inputs (a tenth of the documents,
/// 6 iterations with tolerance 0). The simulator runs each group on 256 OS threads and every barrier and shuffle pays
/// OS-thread synchronisation: the whole contract at warp 32 took over 25 minutes on a 2-core machine, far beyond the
/// suite's CI budget, so CI runs the tests that launch every kernel at warp 32 (the local step with γ against the
/// reference, empty documents, the three model sums, the term-id checks, one round of concurrent callers); the whole
/// contract runs at warp 2 and 4 (<see cref="GpuBackendContractTests"/>).
/// </summary>
[Collection(Warp32SimulatorCollection.Name)]
public sealed class Warp32GpuBackendContractTests(Warp32TestAccelerator device)
{
    private readonly Warp32FullGpuBackendContractTests.Suite _suite = new(device);

    [Theory]
    [InlineData(10)]
    [InlineData(-1)]
    public void LocalStepRejectsATermOutsideTheVocabularyAndStaysUsable(int badId) =>
        _suite.LocalStepRejectsATermOutsideTheVocabularyAndStaysUsable(badId);

    [Fact]
    public void EmptyDocumentGetsAlphaAndZeroBound() => _suite.EmptyDocumentGetsAlphaAndZeroBound();

    /// <summary>E-step, statistics and the global step on small documents at K = 3.</summary>
    [Fact]
    public void ModelSumsFollowLambdaAfterAGlobalStep() => _suite.ModelSumsFollowLambdaAfterAGlobalStep(3);

    [Fact]
    public void TopicWordBoundMatchesReference() => _suite.TopicWordBoundMatchesReference(33);

    [Fact]
    public void SumElogBetaMatchesReference() => _suite.SumElogBetaMatchesReference(33);

    [Fact]
    public void CompletionLogLikelihoodMatchesReference() => _suite.CompletionLogLikelihoodMatchesReference(33);

    [Fact]
    public void ModelSumsRepeatBitForBit() => _suite.ModelSumsRepeatBitForBit();

    [Fact]
    public void CompletionLogLikelihoodRejectsATermOutsideTheVocabulary() => _suite.CompletionLogLikelihoodRejectsATermOutsideTheVocabulary();
}

/// <summary>
/// Every test of the backend contract for <see cref="GpuBackend"/> on the warp-32, 256-thread simulator, with smaller inputs
/// (a tenth of the documents, at least 4; 6 iterations with tolerance 0; one thread-safety repeat, one first-use race
/// round). It takes far more than the suite's CI budget on a 2-core machine (benchmarks/RESULTS.md §14), so it runs only
/// when <see cref="EnvironmentVariable"/> is 1 and is otherwise reported as skipped:
/// <c>TOPICENGINE_WARP32_FULL=1 dotnet test TopicEngine.sln -c Release --filter Category=Warp32Full</c>.
/// The cases are read from <see cref="BackendContractTests"/> by reflection, so a new contract test joins them.
/// </summary>
[Collection(Warp32SimulatorCollection.Name)]
[Trait("Category", "Warp32Full")]
public sealed class Warp32FullGpuBackendContractTests(Warp32TestAccelerator device)
{
    public const string EnvironmentVariable = "TOPICENGINE_WARP32_FULL";

    private readonly Suite _suite = new(device);

    /// <summary>Each contract test with each of its data rows: (method, comma-separated int arguments).</summary>
    public static TheoryData<string, string> ContractTests()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in typeof(BackendContractTests).GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (method.GetCustomAttribute<FactAttribute>() is null) continue;
            if (method.GetCustomAttribute<TheoryAttribute>() is null)
            {
                data.Add(method.Name, "");
                continue;
            }
            foreach (var inline in method.GetCustomAttributes<InlineDataAttribute>())
                foreach (var row in inline.GetData(method)) data.Add(method.Name, string.Join(',', row));
            foreach (var member in method.GetCustomAttributes<MemberDataAttribute>())
            {
                var rows = (IEnumerable<object[]>)typeof(BackendContractTests).GetProperty(member.MemberName, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
                foreach (var row in rows) data.Add(method.Name, string.Join(',', row));
            }
        }
        return data;
    }

    [Warp32FullTheory]
    [MemberData(nameof(ContractTests))]
    public void Contract_test_on_warp_32(string test, string arguments)
    {
        var method = typeof(BackendContractTests).GetMethod(test, BindingFlags.Public | BindingFlags.Instance)!;
        object[] values = arguments.Length == 0 ? [] : arguments.Split(',').Select(a => (object)int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        try
        {
            method.Invoke(_suite, values);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    /// <summary>The contract with the warp-32 settings.</summary>
    internal sealed class Suite(Warp32TestAccelerator device) : BackendContractTests
    {
        internal override ILdaBackend CreateBackend(int topics) => new GpuBackend(device.Accelerator, topics);

        private protected override LocalStepOptions Converged => new(MaxIterations: 6, Tolerance: 0f);

        private protected override LocalStepOptions Quick => new(MaxIterations: 6);

        private protected override int Documents(int documents) => Math.Clamp(documents / 10, 4, documents);

        protected override double ModelSumTolerance => 1e-4;

        private protected override int ThreadSafetyRepeats => 1;

        /// <summary>One round, as at warp 2: two took 7 minutes of the 25 at warp 32 (RESULTS §14).</summary>
        protected override int ConcurrencyRounds => 1;
    }
}

/// <summary>A theory that runs only when <see cref="Warp32FullGpuBackendContractTests.EnvironmentVariable"/> is 1; otherwise
/// skipped with the command that runs it.</summary>
public sealed class Warp32FullTheoryAttribute : TheoryAttribute
{
    public Warp32FullTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable(Warp32FullGpuBackendContractTests.EnvironmentVariable) != "1")
            Skip = $"skipped: the whole contract on the warp-32 simulator takes tens of minutes on 2 cores; run it with " +
                $"{Warp32FullGpuBackendContractTests.EnvironmentVariable}=1 dotnet test -c Release --filter Category=Warp32Full";
    }
}

/// <summary>One warp-32, 256-thread simulator for every test class that needs it, run without other tests in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Warp32SimulatorCollection : ICollectionFixture<Warp32TestAccelerator>
{
    public const string Name = "Warp-32 simulator";
}
