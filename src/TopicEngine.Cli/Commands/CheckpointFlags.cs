using System.CommandLine;
using TopicEngine.Inference;

namespace TopicEngine.Cli.Commands;

/// <summary><c>fit</c>'s checkpoint flags: <c>--checkpoint-every N</c> and <c>--resume DIR</c> (see <c>FitCheckpoint</c>).</summary>
internal sealed class CheckpointFlags
{
    public Option<int> Every { get; } = new("--checkpoint-every")
    {
        Description = "Save the model directory (complete, loadable) every N mini-batches while fitting, in the background; 0: no checkpoints.",
        DefaultValueFactory = _ => 0,
    };

    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "Continue the fit checkpointed in this model directory (same corpus and options; --out defaults to it).",
    };

    public void AddTo(Command command)
    {
        command.Add(Every);
        command.Add(Resume);
    }

    /// <summary><paramref name="options"/> with the checkpoint interval set (and validated).</summary>
    public TrainingOptions Apply(TrainingOptions options, ParseResult parseResult)
    {
        var result = options with { CheckpointEvery = parseResult.GetValue(Every) };
        result.Validate();
        return result;
    }

    /// <summary>The model directory to write: <c>--out</c>, else the <c>--resume</c> directory.</summary>
    public string OutputDirectory(ParseResult parseResult, Option<string> output) =>
        parseResult.GetValue(output) ?? parseResult.GetValue(Resume)
        ?? throw new TopicEngineException("--out is required (the model directory to write)");
}
