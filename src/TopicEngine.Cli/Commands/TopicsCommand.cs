using System.CommandLine;

namespace TopicEngine.Cli.Commands;

/// <summary><c>topic-engine topics</c>: the top terms of every topic of a saved model.</summary>
internal static class TopicsCommand
{
    internal static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model directory.", Required = true };
        var top = new Option<int>("--top") { Description = "Terms per topic.", DefaultValueFactory = _ => TopicModel.DefaultTop };
        var format = new Option<string>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var command = new Command("topics", "Print the most probable terms of every topic of a model.") { model, top, format };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            int n = parseResult.GetValue(top);
            if (n <= 0) throw new TopicEngineException($"--top must be at least 1, not {n}");
            using var loaded = await TopicModel.LoadAsync(parseResult.GetValue(model)!, cancellationToken: ct);
            TopicTable.Print(loaded.Topics(n), n, parseResult.GetValue(format)!);
            return 0;
        }, cancellationToken));
        return command;
    }
}
