using System.CommandLine;
using TopicEngine.Cli.Commands;

namespace TopicEngine.Cli;

/// <summary>The whole command line as one call, so tests can run the tool in-process exactly as <c>topic-engine</c> does.</summary>
internal static class CliApp
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("TopicEngine: LDA topic models by stochastic variational inference, on GPUs (ILGPU) or CPUs.");
        foreach (var command in CommandCatalog.All())
            root.Add(command);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args) =>
        CreateRoot().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
