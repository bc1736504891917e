using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace TopicEngine.PublicApi.Tests;

/// <summary>
/// The library's public surface is listed in src/TopicEngine/PublicAPI.txt, checked in, so that any change to it shows up
/// in review. The listing is generated from the built assembly (PublicApiGenerator); when it differs from the file, the
/// test fails and writes the new listing beside it as PublicAPI.received.txt: review it, then copy it over PublicAPI.txt.
/// </summary>
public sealed class PublicApiListingTests
{
    [Fact]
    public void ThePublicApiMatchesTheCheckedInListing()
    {
        string actual = Normalise(typeof(TopicModel).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }));
        string expected = Normalise(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PublicAPI.txt")));
        if (actual != expected)
        {
            string received = Path.Combine(SourceFolder(), "..", "..", "src", "TopicEngine", "PublicAPI.received.txt");
            try { File.WriteAllText(received, actual); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            Assert.Fail($"The public API changed. Review {Path.GetFullPath(received)} and copy it over src/TopicEngine/PublicAPI.txt.\n"
                + FirstDifference(expected, actual));
        }
    }

    [Fact]
    public void TheListingNamesTheFrontDoorAndNoInternals()
    {
        string listing = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PublicAPI.txt"));
        foreach (var type in new[] { "class TopicTrainer", "class TopicModel", "class TopicCorpus", "class ComputeDevice", "class CorpusInput" })
            Assert.Contains(type, listing);
        foreach (var inner in new[] { "SviTrainer", "ILdaBackend", "CpuBackend", "LocalStepRunner", "ModelSnapshot", "PreparedCorpus", "FitJob" })
            Assert.DoesNotContain(inner, listing);
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim() + "\n";

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string x = i < e.Length ? e[i] : "(end)", y = i < a.Length ? a[i] : "(end)";
            if (x != y) return $"line {i + 1}: listed '{x.Trim()}', built '{y.Trim()}'";
        }
        return "";
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
