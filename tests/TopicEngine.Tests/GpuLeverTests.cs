using System.Runtime.InteropServices;
using TopicEngine.Backends;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>The performance levers of issue 16, item 8 (<see cref="GpuLevers"/>) on the warp-4 simulator: each gives γ,
/// iterations, the document bound and the statistics bit-identical to the default path (one chunk, atomics, plain loops),
/// through batches cut into chunks, and the same twice in a row.</summary>
public sealed class GpuLeverTests(GpuTestAccelerator device) : IClassFixture<GpuTestAccelerator>
{
    private const int Vocabulary = 40;

    public static TheoryData<string, int, int> Cases => new()
    {
        { "term-statistics", 17, 2048 },
        { "term-statistics", 33, 3 },
        { "one-stream", 17, 3 },
        { "one-stream", 5, 1 },
        { "unroll", 33, 2048 },
        { "unroll", 100, 4 },
        { "all", 33, 3 },
        { "all", 100, 2 },
    };

    private sealed record Outcome(float[] Gamma, float[] Statistics, long Iterations, double Bound);

    private Outcome Run(GpuLevers levers, int topics, int chunk, int seed)
    {
        var random = new Random(seed);
        float[] lambda = GpuKernelCheck.GenerateLambda(random, Vocabulary, topics);
        float[] alpha = Enumerable.Repeat(1f / topics, topics).ToArray();
        var batch = GpuKernelCheck.GenerateBatch(random, Vocabulary, documents: 9, documentTerms: 14);
        using var gpu = new GpuBackend(device.Accelerator, topics, chunk, levers);
        Assert.Equal(levers, gpu.Levers);
        gpu.SetLambda(lambda, Vocabulary);
        var gamma = new float[batch.DocumentCount * topics];
        var options = new LocalStepOptions(MaxIterations: 8, Tolerance: 0f);
        var result = gpu.LocalStep(batch, alpha, options, gamma, accumulateStatistics: true, computeBound: true);
        result = gpu.LocalStep(batch, alpha, options, gamma, accumulateStatistics: true, computeBound: true);   // statistics of two batches
        var statistics = new float[lambda.Length];
        gpu.GetStatistics(statistics);
        return new Outcome(gamma, statistics, result.Iterations, result.DocumentBound);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_lever_gives_bit_identical_results_to_the_default_path_in_one_chunk(string lever, int topics, int chunk)
    {
        var levers = GpuLevers.Parse(lever);
        var expected = Run(GpuLevers.None, topics, GpuBackend.DefaultChunkDocuments, seed: topics);

        var actual = Run(levers, topics, chunk, seed: topics);

        Assert.Equal(expected.Gamma, actual.Gamma);
        Assert.Equal(expected.Iterations, actual.Iterations);
        Assert.Equal(expected.Bound, actual.Bound);
        Assert.Equal(MemoryMarshal.AsBytes(expected.Statistics.AsSpan()).ToArray(), MemoryMarshal.AsBytes(actual.Statistics.AsSpan()).ToArray());
        Assert.Contains(expected.Statistics, s => s > 0);
    }

    /// <summary>The statistics without atomics are deterministic: the same input twice gives the same bytes.</summary>
    [Fact]
    public void Statistics_without_atomics_repeat_bit_for_bit()
    {
        var levers = new GpuLevers(TermStatistics: true);
        var first = Run(levers, 17, 3, seed: 8);
        var second = Run(levers, 17, 3, seed: 8);
        Assert.Equal(MemoryMarshal.AsBytes(first.Statistics.AsSpan()).ToArray(), MemoryMarshal.AsBytes(second.Statistics.AsSpan()).ToArray());
    }

    /// <summary>A lever that changed the sum would show here: the statistics after one batch are the reference's to float
    /// rounding (the default path's check in <see cref="GpuKernelTests"/>, repeated with every lever on).</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(33)]
    public void Every_kernel_with_every_lever_matches_the_reference_backend(int topics)
    {
        var results = GpuKernelCheck.Run(device.Accelerator, topics, vocabulary: 23, documents: 7, seed: topics, documentTerms: 6, chunkDocuments: 3,
            levers: GpuLevers.All);
        foreach (var result in results)
            Assert.True(result.Passed, $"{result.Kernel}: max abs {result.MaxAbsoluteDifference:g3}, max rel {result.MaxRelativeDifference:g3}");
    }

    [Fact]
    public void Lever_lists_parse_and_print_back()
    {
        Assert.Equal(GpuLevers.None, GpuLevers.Parse(null));
        Assert.Equal(GpuLevers.None, GpuLevers.Parse(" "));
        Assert.Equal(GpuLevers.All, GpuLevers.Parse("all"));
        Assert.Equal(new GpuLevers(TermStatistics: true, UnrolledTopicLoops: true), GpuLevers.Parse("unroll, term-statistics"));
        Assert.Equal("term-statistics,one-stream,unroll", GpuLevers.All.ToString());
        Assert.Equal("none", GpuLevers.None.ToString());
        var error = Assert.Throws<TopicEngineException>(() => GpuLevers.Parse("unroll,warp-magic"));
        Assert.Contains("warp-magic", error.Message);
    }

    [Fact]
    public void A_chunk_transposed_by_term_lists_each_term_s_non_zeros_in_document_order()
    {
        // Documents: d0 = {5, 2}, d1 = {}, d2 = {2, 7, 5}, d3 = {7}; the chunk starts at non-zero 1 of the array.
        int[] termIds = [99, 5, 2, 2, 7, 5, 7];
        int[] offsets = [1, 3, 3, 6, 7];
        var termOfSlot = Enumerable.Repeat(-1, 100).ToArray();
        var cursor = new int[6];
        var termOffsets = new int[4];
        var terms = new int[3];
        var entryNonZero = new int[7];
        var entryDocument = new int[7];

        int distinct = TermTranspose.Build(termIds, offsets, termOfSlot, cursor, termOffsets, terms, entryNonZero, entryDocument);

        Assert.Equal(3, distinct);
        Assert.Equal([5, 2, 7], terms);
        Assert.Equal([1, 3, 5, 7], termOffsets);
        Assert.Equal([1, 5, 2, 3, 4, 6], entryNonZero[1..]);
        Assert.Equal([0, 2, 0, 2, 2, 3], entryDocument[1..]);
        Assert.All(termOfSlot, s => Assert.Equal(-1, s));
    }
}

/// <summary>The whole backend contract with every lever of <see cref="GpuLevers"/> on, on the warp-2 simulator (as
/// <see cref="GpuBackendContractTests"/>), in chunks of 3 documents so that the one-stream path runs several chunks.</summary>
public sealed class GpuLeversBackendContractTests(SmallGroupTestAccelerator device) : BackendContractTests, IClassFixture<SmallGroupTestAccelerator>
{
    internal override ILdaBackend CreateBackend(int topics) => new GpuBackend(device.Accelerator, topics, chunkDocuments: 3, GpuLevers.All);

    private protected override LocalStepOptions Converged => new(MaxIterations: 30, Tolerance: 0f);

    protected override double ModelSumTolerance => 1e-4;

    private protected override int ThreadSafetyRepeats => 1;

    protected override int ConcurrencyRounds => 1;
}
