using System.Diagnostics;

namespace TopicEngine.Tests;

/// <summary>A fact that needs /usr/bin/python3 with gensim; skipped, with the reason shown in the test report, where
/// they are absent (install with <c>apt-get install -y python3-gensim</c>).</summary>
public sealed class GensimFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Probe);

    public GensimFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    private static string? Probe()
    {
        if (!File.Exists(Python)) return $"skipped: {Python} is absent (apt-get install -y python3-gensim)";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import gensim"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit(60_000);
            return process.ExitCode == 0 ? null : $"skipped: gensim is not installed for {Python} (apt-get install -y python3-gensim)";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"skipped: {Python} cannot run ({e.Message})";
        }
    }
}
