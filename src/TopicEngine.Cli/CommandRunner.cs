using TopicEngine;

namespace TopicEngine.Cli;

/// <summary>
/// Runs a command's body and turns failures into what a user can act on: a
/// <see cref="TopicEngineException"/> (or a file-system error) becomes one line on stderr and
/// exit code 1; Ctrl+C becomes exit code 130. Nothing else is caught, so bugs still show a stack.
/// </summary>
internal static class CommandRunner
{
    public const int UserError = 1;
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (TopicEngineException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return Cancelled;
        }
    }

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return UserError;
    }
}
