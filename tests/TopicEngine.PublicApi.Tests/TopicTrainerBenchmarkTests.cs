using TopicEngine.Text;

namespace TopicEngine.PublicApi.Tests;

/// <summary><see cref="TopicTrainer.Benchmark"/> and <see cref="TopicTrainer.EstimateBenchmarkMemory"/> from outside the
/// library, as <c>topic-engine bench</c> calls them.</summary>
public sealed class TopicTrainerBenchmarkTests : ThemedCorpusTest
{
    [Fact]
    public async Task BenchmarkTimesEveryPassOverThePreparedCorpus()
    {
        string prepared = Path.Combine(Root, "prepared");
        var corpus = await TopicCorpus.PrepareAsync(CorpusInput.FromPaths([TextFolder("train", Documents(60))]), prepared,
            new CorpusOptions { Pruning = new PruningSettings { MinDf = 2, MaxDf = 0.9 } });
        using var device = ComputeDevice.Open("cpu");
        var options = new BenchmarkOptions { Topics = 3, Passes = 2, BatchSize = 10, WarmupDocuments = 0, Threads = 2 };
        var heard = new List<(int Pass, PassTimes Times)>();

        var result = TopicTrainer.Benchmark(prepared, options, device, (pass, times) => heard.Add((pass, times)));

        Assert.Equal((3, 10, "cpu"), (result.Topics, result.BatchSize, result.Backend));
        Assert.Equal([1, 2], heard.Select(h => h.Pass));
        Assert.Equal(result.Passes, heard.Select(h => h.Times));
        Assert.All(result.Passes, p => Assert.Equal((60L, corpus.Tokens, corpus.NonZeros, 6), (p.Documents, p.Tokens, p.NonZeros, p.Batches)));
        Assert.Equal(result.Passes.Average(p => p.LocalSeconds + p.GlobalSeconds), result.SecondsPerPass, 1e-12);
        Assert.Equal(corpus.Tokens / result.SecondsPerPass, result.TokensPerSecond, result.TokensPerSecond * 1e-9);
        Assert.True(result.FirstPassIncludesCompilation);
        Assert.Equal(0, result.WarmupDocuments);
    }

    [Fact]
    public void BenchmarkMemoryOnTheCpuIsTheBackendsModelPlusTheBenchmarksBuffers()
    {
        using var device = ComputeDevice.Open("cpu");
        var options = new BenchmarkOptions { Topics = 7, Threads = 3, WarmupDocuments = 0 };

        var cold = TopicTrainer.EstimateBenchmarkMemory(device, vocabularySize: 1000, batchSize: 64, options);
        var warm = TopicTrainer.EstimateBenchmarkMemory(device, vocabularySize: 1000, batchSize: 64, options with { WarmupDocuments = 512 });

        long own = (1000L * 7 + 64L * 7) * sizeof(float);   // λ's start and γ
        Assert.Equal(device.ModelBytes(1000, 7, threads: 3) + own, cold.HostBytes);
        Assert.Equal(cold.HostBytes, cold.PeakHostBytes);
        Assert.Equal(cold.HostBytes, warm.PeakHostBytes);   // λ's reset after the warm-up reuses the backend's λ and expElogβ
        Assert.Equal((0L, 0L, (string?)null), (cold.DeviceBytes, cold.DeviceMemoryBytes, cold.AcceleratorName));
    }

    [Fact]
    public void BenchmarkOptionsOutOfRangeNameTheFlag()
    {
        var error = Assert.Throws<TopicEngineException>(() => new BenchmarkOptions { Topics = 3, Passes = 0 }.Validate());
        Assert.Contains("--passes", error.Message);
        Assert.Equal(64, new BenchmarkOptions { Topics = 3 }.ResolveBatchSize(100));     // auto, as fit: D/10 raised to the smallest automatic size
        Assert.Equal(100, new BenchmarkOptions { Topics = 3, BatchSize = 100 }.ResolveBatchSize(100));
    }
}
