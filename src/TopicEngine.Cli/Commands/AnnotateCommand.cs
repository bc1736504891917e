using System.CommandLine;
using System.Globalization;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine annotate</c>: adds or refreshes the topic fields of every document of an existing Lucene index, re-adding
/// each by its id with its stored fields kept, and says how many documents changed.
/// </summary>
internal static class AnnotateCommand
{
    private static readonly TopicIndexOptions Defaults = new();

    internal static Command Create()
    {
        var flags = new EnrichmentFlags();
        var idField = new Option<string>("--id-field") { Description = "Stored, untokenized field holding each document's unique id.", DefaultValueFactory = _ => Defaults.IdField };
        var field = new Option<string[]>("--field") { Description = "Stored field(s) holding the text to infer (repeatable).", DefaultValueFactory = _ => [.. Defaults.Enricher.SourceFields], AllowMultipleArgumentsPerToken = true };
        var commitEvery = new Option<int>("--commit-every") { Description = "Commit after this many changed documents (progress kept if killed).", DefaultValueFactory = _ => Defaults.CommitEvery };
        var command = new Command("annotate", "Add or refresh the topic fields of every document of an existing Lucene index (re-added by id, stored fields kept).");
        flags.AddTo(command);
        foreach (var option in new Option[] { idField, field, commitEvery }) command.Add(option);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            using var model = await flags.LoadModelAsync(parseResult, ct);
            var options = new TopicIndexOptions
            {
                IdField = parseResult.GetValue(idField)!,
                Enricher = flags.Enricher(parseResult, parseResult.GetValue(field)),
                CommitEvery = parseResult.GetValue(commitEvery),
            };
            var r = await TopicIndex.AnnotateAsync(model, parseResult.GetValue(flags.Index)!, options, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"annotated {r.Documents:N0} documents in {r.Elapsed.TotalSeconds:F1} s: {r.Changed:N0} changed, {r.Documents - r.Changed:N0} unchanged"));
            EnrichmentFlags.Describe(r);
            return 0;
        }, cancellationToken));
        return command;
    }
}
