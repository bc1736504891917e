using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TopicEngine.Tests;

/// <summary>
/// The CLI as users get it: packed as a .NET tool, installed from a local folder into a tool path, run from there.
/// Only the folder is a package source and the packages folder is empty, so the tool package must carry
/// everything it needs (its referenced projects included) and no stale copy from the NuGet cache can stand in for it.
/// </summary>
public sealed class ToolPackageTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task PackedToolInstallsFromALocalFolderAndPrintsItsVersion()
    {
        string root = RepositoryRoot();
        string version = SharedVersion(root);
        string temp = Path.Combine(Path.GetTempPath(), "topicengine-tool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            string feed = Path.Combine(temp, "feed");
            string tools = Path.Combine(temp, "tools");
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

            var pack = await RunAsync(dotnet, root, null,
                "pack", Path.Combine(root, "src", "TopicEngine.Cli"), "-c", Configuration, "-o", feed, "-nodeReuse:false");
            Assert.True(pack.Exit == 0, $"dotnet pack exited with {pack.Exit}:\n{pack.Out}\n{pack.Error}");
            Assert.True(File.Exists(Path.Combine(feed, $"topic-engine.{version}.nupkg")),
                $"no topic-engine.{version}.nupkg in {feed}: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");

            // The folder is the only source; an empty packages folder for this install only.
            string config = Path.Combine(temp, "nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            var install = await RunAsync(dotnet, temp, new() { ["NUGET_PACKAGES"] = Path.Combine(temp, "packages") },
                "tool", "install", "topic-engine", "--tool-path", tools, "--configfile", config, "--version", version);
            Assert.True(install.Exit == 0, $"dotnet tool install exited with {install.Exit}:\n{install.Out}\n{install.Error}");

            // The installed command is an apphost: it finds the runtime through DOTNET_ROOT, as a user's shell would set it.
            string command = Path.Combine(tools, OperatingSystem.IsWindows() ? "topic-engine.exe" : "topic-engine");
            var environment = new Dictionary<string, string?>();
            if (Path.IsPathRooted(dotnet) && Environment.GetEnvironmentVariable("DOTNET_ROOT") is null)
                environment["DOTNET_ROOT"] = Path.GetDirectoryName(dotnet);
            var run = await RunAsync(command, temp, environment, "--version");
            Assert.True(run.Exit == 0, $"topic-engine --version exited with {run.Exit}:\n{run.Out}\n{run.Error}");
            // The informational version: "0.1.0", or "0.1.0+<commit>" when built in a git checkout.
            Assert.Matches($@"^{Regex.Escape(version)}(\+[0-9a-f]+)?$", run.Out.Trim());
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The folder holding TopicEngine.sln, found by walking up from the test assembly.</summary>
    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TopicEngine.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no TopicEngine.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The packages' version: &lt;Version&gt; in Directory.Build.props.</summary>
    private static string SharedVersion(string root)
    {
        string? version = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("Version").SingleOrDefault()?.Value;
        Assert.False(string.IsNullOrWhiteSpace(version), "Directory.Build.props sets no <Version>");
        return version!.Trim();
    }

    /// <summary>Runs a process to the end (killing it and its children after <see cref="ProcessTimeout"/>): exit code, stdout, stderr.</summary>
    private static async Task<(int Exit, string Out, string Error)> RunAsync(
        string fileName, string workingDirectory, Dictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The test host's MSBuild settings belong to the outer build, not to these commands.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{fileName} {string.Join(' ', args)} still running after {ProcessTimeout.TotalMinutes} min; killed:\n{await output}\n{await error}");
        }
        return (process.ExitCode, await output, await error);
    }
}
