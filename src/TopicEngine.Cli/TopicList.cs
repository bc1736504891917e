using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace TopicEngine.Cli;

/// <summary>Prints topics of the public API (<see cref="TopicModel.Topics"/>) as a table, CSV or JSON: the formats of
/// <c>topic-engine topics --format</c>.</summary>
internal static class TopicList
{
    public static void Print(IReadOnlyList<Topic> topics, int top, string format = "table")
    {
        switch (format)
        {
            case "csv":
                Console.WriteLine("topic_id,rank,term_id,term,probability");
                foreach (var topic in topics)
                    foreach (var (t, rank) in topic.Words.Take(top).Select((t, i) => (t, i + 1)))
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{topic.Id},{rank},{t.TermId},{Csv(t.Term)},{t.Probability:G6}"));
                break;
            case "json":
                var rows = topics.Select(topic => new
                {
                    topic_id = topic.Id,
                    terms = topic.Words.Take(top).Select(t => new { term_id = t.TermId, term = t.Term, probability = t.Probability }),
                });
                Console.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
                break;
            default:
                var table = new Table().Border(TableBorder.Simple).AddColumn("topic").AddColumn("top terms");
                foreach (var topic in topics)
                    table.AddRow(topic.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(Terms(topic, top)));
                if (Terminal.IsInteractive) AnsiConsole.Write(table);
                else
                    foreach (var topic in topics)
                        Console.WriteLine($"topic {topic.Id,3}: {Terms(topic, top)}");
                break;
        }
    }

    private static string Terms(Topic topic, int top) => string.Join(" ", topic.Words.Take(top).Select(t => t.Term));

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
