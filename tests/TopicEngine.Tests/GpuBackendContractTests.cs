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
/// The whole backend contract for <see cref="GpuBackend"/> on a warp-32 simulator with 256-thread groups (the shape of a
/// CUDA launch), with the CPU suite's concurrency and thread-safety repetitions (8 callers × 5 local steps, 100 rounds of
/// the first-use race). The simulator runs each group on 256 OS threads and every barrier and shuffle pays their
/// synchronisation, so inputs are smaller than the CPU suite's: a tenth of the documents (at least 4: the empty and
/// one-word documents and two longer ones) and, for the comparisons, 6 iterations with tolerance 0, so both backends run
/// exactly 6 iterations and γ agrees to float rounding without iterating to convergence. Every K of the contract
/// (1 … 33, 97) and every check stays. The simulator is shared by the collection and runs alone
/// (<see cref="Warp32SimulatorCollection"/>): 256 threads per group contend with nothing else.
/// </summary>
[Collection(Warp32SimulatorCollection.Name)]
public sealed class Warp32GpuBackendContractTests(Warp32TestAccelerator device) : BackendContractTests
{
    internal override ILdaBackend CreateBackend(int topics) => new GpuBackend(device.Accelerator, topics);

    private protected override LocalStepOptions Converged => new(MaxIterations: 6, Tolerance: 0f);

    private protected override LocalStepOptions Quick => new(MaxIterations: 6);

    private protected override int Documents(int documents) => Math.Clamp(documents / 10, 4, documents);

    /// <summary>ψ and lnΓ run in float on the device; products and sums are in double, as on the host.</summary>
    protected override double ModelSumTolerance => 1e-4;

    /// <summary>As the warp-2 fixture: each 256-thread barrier costs milliseconds on the simulator, so the 8 concurrent callers
    /// make one local step each, and the first-use race runs twice (the warp-2 fixture covers the same code paths).</summary>
    private protected override int ThreadSafetyRepeats => 1;

    /// <inheritdoc cref="ThreadSafetyRepeats"/>
    protected override int ConcurrencyRounds => 2;
}

/// <summary>One warp-32, 256-thread simulator for every test class that needs it, run without other tests in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Warp32SimulatorCollection : ICollectionFixture<Warp32TestAccelerator>
{
    public const string Name = "Warp-32 simulator";
}
