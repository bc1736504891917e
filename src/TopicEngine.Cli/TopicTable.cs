using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using TopicEngine.Model;
using TopicEngine.Text;

namespace TopicEngine.Cli;

/// <summary>Prints the most probable terms of every topic as a table, CSV or JSON.</summary>
internal static class TopicTable
{
    public static void Print(TopicTerm[][] topics, Vocabulary vocabulary, int top, string format = "table")
    {
        switch (format)
        {
            case "csv":
                Console.WriteLine("topic_id,rank,term_id,term,probability");
                foreach (var topic in topics)
                    foreach (var t in topic.Take(top))
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{t.Topic},{t.Rank},{t.TermId},{Csv(vocabulary.Term(t.TermId))},{t.Probability:G6}"));
                break;
            case "json":
                var rows = topics.Select(topic => new
                {
                    topic_id = topic.Length > 0 ? topic[0].Topic : 0,
                    terms = topic.Take(top).Select(t => new { term_id = t.TermId, term = vocabulary.Term(t.TermId), probability = t.Probability }),
                });
                Console.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
                break;
            default:
                var table = new Table().Border(TableBorder.Simple).AddColumn("topic").AddColumn("top terms");
                for (int k = 0; k < topics.Length; k++)
                    table.AddRow(k.ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(string.Join(" ", topics[k].Take(top).Select(t => vocabulary.Term(t.TermId)))));
                if (Terminal.IsInteractive) AnsiConsole.Write(table);
                else
                    for (int k = 0; k < topics.Length; k++)
                        Console.WriteLine($"topic {k,3}: {string.Join(" ", topics[k].Take(top).Select(t => vocabulary.Term(t.TermId)))}");
                break;
        }
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
