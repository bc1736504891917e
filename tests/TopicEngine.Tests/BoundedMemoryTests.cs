using System.Security.Cryptography;
using TopicEngine.Storage;
using Xunit.Abstractions;

namespace TopicEngine.Tests;

/// <summary>
/// Bounded memory (issue 15): <c>fit</c>, <c>update</c> and <c>infer</c> run in a child process whose GC heap is capped
/// (<c>DOTNET_GCHeapHardLimit</c>) and give exactly what they give without the cap: the same λ bytes, the same θ file.
/// The corpus here is small enough for CI; tests/soak.sh runs the same check on a corpus several times larger than the
/// cap (README, "Reliability").
/// </summary>
[Trait("Category", "Reliability")]
public sealed class BoundedMemoryTests(ITestOutputHelper log)
{
    /// <summary>48 MiB: the smallest cap, in steps of 16 MiB, under which the CLI's fixed costs (runtime, Lucene analysis,
    /// Parquet row groups of 16,384 documents) fit; 16 MiB fails inside the runtime before any corpus is read.</summary>
    private const string HeapLimit = "0x3000000";

    private static readonly Dictionary<string, string> Capped = new() { ["DOTNET_GCHeapHardLimit"] = HeapLimit };

    private static async Task Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var (exit, _, error) = await ChildCli.RunAsync(environment, args);
        Assert.True(exit == 0, $"topic-engine {string.Join(' ', args)} {(environment is null ? "" : $"(heap limit {HeapLimit}) ")}exited {exit}: {error}");
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static string Lambda(string model) => Sha256(Path.Combine(model, VersionedDirectory.LinkName, "lambda.parquet"));

    [Fact]
    public async Task FitUpdateAndInferUnderAHeapLimitGiveWhatTheyGiveWithout()
    {
        using var dir = new TempDirectory();
        string first = dir.File("first"), second = dir.File("second");
        await Run(null, "generate", "--docs", "12000", "--vocab", "3000", "--topics", "5", "--doc-length", "80", "--seed", "5", "--out", first);
        await Run(null, "generate", "--docs", "4000", "--vocab", "3000", "--topics", "5", "--doc-length", "80", "--seed", "6", "--out", second);
        string docword = Path.Combine(first, "docword.synthetic.txt"), newDocs = Path.Combine(second, "docword.synthetic.txt");
        log.WriteLine($"corpus: {new FileInfo(docword).Length / 1e6:F1} MB of docword text, heap limit {Convert.ToInt64(HeapLimit, 16) / 1e6:F1} MB");

        foreach (var (name, environment) in new[] { ("free", (IReadOnlyDictionary<string, string>?)null), ("capped", Capped) })
        {
            string model = dir.File($"model-{name}");
            await Run(environment, "fit", "--input", docword, "--topics", "5", "--passes", "1", "--threads", "2", "--seed", "3", "--out", model);
            await Run(environment, "update", "--model", model, "--input", newDocs, "--threads", "2", "--seed", "3", "--out", dir.File($"updated-{name}"));
            await Run(environment, "infer", "--model", model, "--input", newDocs, "--threads", "2", "--out", dir.File($"theta-{name}.parquet"));
        }
        Assert.Equal(Lambda(dir.File("model-free")), Lambda(dir.File("model-capped")));
        Assert.Equal(Lambda(dir.File("updated-free")), Lambda(dir.File("updated-capped")));
        Assert.Equal(Sha256(dir.File("theta-free.parquet")), Sha256(dir.File("theta-capped.parquet")));
    }
}
