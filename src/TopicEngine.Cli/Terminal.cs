namespace TopicEngine.Cli;

/// <summary>Whether to draw live progress (an interactive terminal) or write plain log lines (CI, pipes).</summary>
internal static class Terminal
{
    public static bool IsInteractive =>
        !Console.IsOutputRedirected && !Console.IsErrorRedirected
        && Environment.GetEnvironmentVariable("CI") is null
        && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");
}
