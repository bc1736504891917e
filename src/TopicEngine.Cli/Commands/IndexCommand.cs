using System.CommandLine;
using System.Globalization;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine index</c>: builds a Lucene index from any input the other commands read. Each document carries its key
/// in <c>id</c>, its text in <c>text</c> (analysed with the model's analyzer, stored, with term vectors) and the topic
/// fields (<c>topic_dominant</c>, <c>topic_above</c>, <c>topic_theta</c>, <c>topic_model</c>).
/// </summary>
internal static class IndexCommand
{
    internal static Command Create()
    {
        var flags = new EnrichmentFlags();
        var input = new CorpusInputOptions();
        input.Input.Description = "The documents to index: a file or folder (repeatable), in any text format fit reads.";
        input.Input.Required = true;
        var noTopics = new Option<bool>("--no-topics") { Description = "Index without topic fields (the same analysis; to measure what the topics cost)." };
        var command = new Command("index", "Build a Lucene index whose documents carry topic fields (dominant topic, topics above a threshold, θ, the model's identity).");
        flags.AddTo(command);
        input.AddReaderTo(command);
        command.Add(noTopics);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            using var model = await flags.LoadModelAsync(parseResult, ct);
            var options = new TopicIndexOptions { Enricher = flags.Enricher(parseResult), Topics = !parseResult.GetValue(noTopics) };
            var r = await TopicIndex.BuildAsync(model, input.Corpus(parseResult), parseResult.GetValue(flags.Index)!, options, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"indexed {r.Documents:N0} documents in {r.Elapsed.TotalSeconds:F1} s ({r.DocumentsPerSecond:N0} documents/s), {r.Enriched:N0} with topic fields"));
            EnrichmentFlags.Describe(r);
            return 0;
        }, cancellationToken));
        return command;
    }
}
