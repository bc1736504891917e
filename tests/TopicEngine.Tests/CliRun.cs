using TopicEngine.Cli;

namespace TopicEngine.Tests;

/// <summary>Runs the CLI in-process with stdout and stderr captured (use from tests in <see cref="ConsoleCollection"/>).</summary>
internal static class CliRun
{
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var output = new StringWriter();
        var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exit = CliApp.RunAsync(args).GetAwaiter().GetResult();
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
