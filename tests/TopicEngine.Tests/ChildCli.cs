using System.Diagnostics;

namespace TopicEngine.Tests;

/// <summary>The built <c>topic-engine</c> (the CLI project's output, copied beside the test assembly) run in a child process.</summary>
internal static class ChildCli
{
    /// <summary>Starts the CLI with stdout and stderr redirected (read them, or the child may block).</summary>
    public static Process Start(params string[] args) => Start(null, args);

    /// <summary>As <see cref="Start(string[])"/>, with <paramref name="environment"/> added to the child's variables
    /// (e.g. <c>DOTNET_GCHeapHardLimit</c>).</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "topic-engine.dll");
        Assert.True(File.Exists(dll), $"{dll} not found: the test project references the CLI project");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["CI"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs the CLI to the end: exit code, stdout, stderr.</summary>
    public static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs the CLI to the end with <paramref name="environment"/> added: exit code, stdout, stderr.</summary>
    public static async Task<(int Exit, string Out, string Error)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
