using System.CommandLine;
using System.Globalization;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine search</c>: queries an index built by <c>index</c> or <c>annotate</c> by keyword, filtered by topic, ranked
/// by topic likeness (<c>--like</c>), with per-topic counts (<c>--facets</c>).
/// </summary>
internal static class SearchCommand
{
    private static readonly TopicSearchRequest Defaults = new();

    internal static Command Create()
    {
        var index = new Option<string>("--index") { Description = "Lucene index folder (from index or annotate).", Required = true };
        var query = new Option<string?>("--query", "-q") { Description = "Keywords; a document matches when it has any of them (default: every document)." };
        var topic = new Option<int?>("--topic") { Description = "Only documents with this topic at or above the threshold (topic_above)." };
        var like = new Option<string?>("--like") { Description = "Rank by the distance of each document's topic mixture to this document's (its id)." };
        var distance = new Option<string>("--distance") { Description = "Distance for --like: hellinger or js (Jensen-Shannon).", DefaultValueFactory = _ => Defaults.Distance == TopicDistance.JensenShannon ? "js" : "hellinger" };
        distance.AcceptOnlyFromAmong("hellinger", "js");
        var facets = new Option<bool>("--facets") { Description = "Count the matching documents per topic." };
        var top = new Option<int>("--top") { Description = "Hits shown.", DefaultValueFactory = _ => Defaults.Top };
        var command = new Command("search", "Query a topic-annotated Lucene index: keywords filtered by topic, documents like one, counts per topic.")
            { index, query, topic, like, distance, facets, top };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(ct =>
        {
            var request = new TopicSearchRequest
            {
                Query = parseResult.GetValue(query),
                Topic = parseResult.GetValue(topic),
                LikeId = parseResult.GetValue(like),
                Distance = parseResult.GetValue(distance) == "js" ? TopicDistance.JensenShannon : TopicDistance.Hellinger,
                Facets = parseResult.GetValue(facets),
                Top = parseResult.GetValue(top),
            };
            var r = TopicIndex.Search(parseResult.GetValue(index)!, request);
            var invariant = CultureInfo.InvariantCulture;
            Console.WriteLine($"{r.Matches:N0} matching documents" + (r.ModelStamp.Length > 0 ? $" (model {r.ModelStamp})" : ""));
            string scoreName = request.LikeId is null ? "score" : "distance";
            foreach (var hit in r.Hits)
            {
                string topicText = hit.DominantTopic is { } k ? $"topic {k}" + (hit.TopicWords.Length > 0 ? $" ({hit.TopicWords})" : "") : "no topic";
                Console.WriteLine(string.Create(invariant, $"{hit.Id}  {scoreName} {hit.Score:F4}  {topicText}"));
                if (hit.Snippet.Length > 0) Console.WriteLine($"    {hit.Snippet}");
            }
            if (request.Facets)
            {
                Console.WriteLine("facets (topic: dominant / above threshold):");
                foreach (var f in r.Facets)
                    Console.WriteLine($"  {f.Topic,3}: {f.Dominant,7:N0} / {f.Above,7:N0}  {f.TopicWords}");
            }
            return Task.FromResult(0);
        }, cancellationToken));
        return command;
    }
}
