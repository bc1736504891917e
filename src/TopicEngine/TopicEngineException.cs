namespace TopicEngine;

/// <summary>
/// An error the user can act on: bad input, a bad option, a model directory that cannot be read.
/// The message is one line that names the file (and line or record) and, where there is one,
/// the option to change. The command-line tool prints it alone and exits non-zero.
/// </summary>
public class TopicEngineException : Exception
{
    /// <summary>Creates the error with a one-line message the user can act on.</summary>
    public TopicEngineException(string message) : base(message) { }

    /// <summary>Creates the error with a one-line message and the failure that caused it.</summary>
    public TopicEngineException(string message, Exception inner) : base(message, inner) { }
}
