using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace TopicEngine.Tests;

/// <summary>
/// One local-step runner (issue 9): in the library's source, only Inference/LocalStepRunner.cs calls
/// <c>ILdaBackend.LocalStep</c> or <c>LocalStepDocument</c>, and it does so in one place each. Backends implement them;
/// nothing else drives them. Read from the source tree beside this file (a clean clone has it).
/// </summary>
public sealed partial class LocalStepCallSiteTests
{
    [GeneratedRegex(@"\.(LocalStep|LocalStepDocument)\(")]
    private static partial Regex Call();

    [Fact]
    public void OnlyTheRunnerCallsTheBackendsLocalStep()
    {
        string library = Path.GetFullPath(Path.Combine(SourceFolder(), "..", "..", "src", "TopicEngine"));
        var calls = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(library, f), Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && Call().IsMatch(l.Text))
            .ToArray();
        // the interface's default LocalStepDocument delegates to LocalStep (a backend implementing its own contract)
        var drivers = calls.Where(c => !(c.File.EndsWith("ILdaBackend.cs", StringComparison.Ordinal) && c.Text.Contains("return (int)LocalStep(", StringComparison.Ordinal))).ToArray();
        Assert.True(drivers.All(c => c.File == Path.Combine("Inference", "LocalStepRunner.cs")),
            "LocalStep called outside the runner: " + string.Join("; ", drivers.Select(c => $"{c.File}:{c.Line}")));
        Assert.Equal(1, drivers.Count(c => c.Text.Contains("Backend.LocalStep(", StringComparison.Ordinal)));
        Assert.Equal(1, drivers.Count(c => c.Text.Contains("Backend.LocalStepDocument(", StringComparison.Ordinal)));
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
