using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Synthetic;

namespace TopicEngine.Benchmarks;

/// <summary>
/// CPU backend throughput on a synthetic corpus shaped like 20news train (11,000 documents, V = 25,000,
/// ~140 tokens per document, Zipfian topics), against λ after one online pass (so the local step
/// iterates as it does mid-fit). BenchmarkDotNet: <c>dotnet run -c Release --project benchmarks/TopicEngine.Benchmarks
/// -- --filter *CpuBackend*</c>; quick timing without BenchmarkDotNet: <c>... -- cpu-quick [K,K] [threads,threads]</c>.
/// </summary>
[MemoryDiagnoser]
public class CpuBackendBenchmarks
{
    private const int BatchSize = 1024;
    private SparseBatch[] _batches = [];
    private float[] _lambda = [];
    private CpuBackend? _backend;
    private float[] _alpha = [];
    private float[] _gamma = [];

    /// <summary>K.</summary>
    [Params(20, 100)]
    public int Topics { get; set; }

    /// <summary>Workers.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_batches, _lambda, _alpha) = Prepare(Topics);
        _backend = new CpuBackend(Topics, Threads);
        _backend.SetLambda(_lambda, Vocabulary);
        _gamma = new float[BatchSize * Topics];
    }

    [GlobalCleanup]
    public void Cleanup() => _backend?.Dispose();

    /// <summary>One pass of local steps with statistics (no global step): the E-step throughput.</summary>
    [Benchmark]
    public long LocalStepPass()
    {
        long iterations = 0;
        foreach (var batch in _batches) iterations += _backend!.LocalStep(batch, _alpha, LocalStepOptions.Default, _gamma, true, false).Iterations;
        _backend!.SetLambda(_lambda, Vocabulary); // drop the statistics
        return iterations;
    }

    /// <summary>One global step over V×K.</summary>
    [Benchmark]
    public void GlobalStep() => _backend!.GlobalStep(0.01f, 1f / Topics, 10f);

    private const int Vocabulary = 25_000;

    /// <summary>The 20news-shaped corpus in batches, and λ after one online pass over it.</summary>
    internal static (SparseBatch[] Batches, float[] Lambda, float[] Alpha) Prepare(int topics)
    {
        var corpus = new SyntheticLda(new SyntheticLdaOptions
        {
            Documents = 11_000, VocabularySize = Vocabulary, Topics = 20, DocumentLength = 140, Seed = 20,
        });
        var batches = corpus.ReadBatches(BatchSize).ToArray();
        var memory = new BatchList(batches, Vocabulary);
        var options = new TrainingOptions { Topics = topics, Passes = 1, BatchSize = BatchSize, HoldoutFraction = 0, EvalEvery = 0 };
        using var backend = new CpuBackend(topics);
        var result = new SviTrainer(options).Fit(backend, memory);
        return (batches, result.Lambda, result.Alpha);
    }

    /// <summary>Quick timing: tokens/s of the local step alone and of whole online steps, per K and thread count.</summary>
    public static void Quick(string[] args)
    {
        var ks = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [20, 100];
        var threads = args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : [1, 2];
        foreach (int k in ks)
        {
            var (batches, lambda, alpha) = Prepare(k);
            long tokens = batches.Sum(b => b.TokenCount);
            foreach (int t in threads)
            {
                using var backend = new CpuBackend(k, t);
                backend.SetLambda(lambda, Vocabulary);
                var gamma = new float[BatchSize * k];
                double local = 0, global = 0, localCpu = 0;
                long iterations = 0;
                var process = Process.GetCurrentProcess();
                var clock = Stopwatch.StartNew();
                int step = 0;
                foreach (var batch in batches)
                {
                    double start = clock.Elapsed.TotalSeconds;
                    process.Refresh();
                    var cpuStart = process.TotalProcessorTime;
                    iterations += backend.LocalStep(batch, alpha, LocalStepOptions.Default, gamma, true, false).Iterations;
                    double middle = clock.Elapsed.TotalSeconds;
                    process.Refresh();
                    localCpu += (process.TotalProcessorTime - cpuStart).TotalSeconds;
                    backend.GlobalStep((float)Math.Pow(64 + 11 + step++, -0.7), 1f / k, 11_000f / batch.DocumentCount);
                    global += clock.Elapsed.TotalSeconds - middle;
                    local += middle - start;
                }
                // CPU seconds make the per-core figure meaningful on a machine shared with other work
                Console.WriteLine($"K={k,3} threads={t}: local step {tokens / local / 1e3,7:F0}k tokens/s wall ({tokens / local / t / 1e3:F0}k per thread), " +
                    $"{tokens / localCpu / 1e3:F0}k tokens per CPU-second, " +
                    $"with global steps {tokens / (local + global) / 1e3,7:F0}k tokens/s; {iterations / 11_000.0:F1} iterations/doc, " +
                    $"global step {global / batches.Length * 1e3:F1} ms each");
            }
        }
    }

    /// <summary>An <see cref="IBatchSource"/> over prepared batches (re-chunked by the trainer as it likes).</summary>
    private sealed class BatchList(SparseBatch[] batches, int vocabularySize) : IBatchSource
    {
        public int DocumentCount => batches.Sum(b => b.DocumentCount);
        public long TokenCount => batches.Sum(b => b.TokenCount);
        public int VocabularySize => vocabularySize;
        public IEnumerable<SparseBatch> ReadBatches(int batchSize) => batches;
    }
}
