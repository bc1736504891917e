using System.Globalization;
using Spectre.Console;

namespace TopicEngine.Cli;

/// <summary>The sweep's table: one row per K, the mean ± standard deviation over seeds of every <see cref="SweepMetric"/>,
/// stability, and the recommended K marked.</summary>
internal static class SweepTable
{
    public static void Print(SweepResult result)
    {
        var header = new List<string> { "K" };
        header.AddRange(SweepMetric.All.Select(m => m.Label));
        header.Add("stability");
        header.Add("");
        var rows = result.Summaries.Select(s =>
        {
            var row = new List<string> { s.Topics.ToString(CultureInfo.InvariantCulture) };
            for (int m = 0; m < SweepMetric.All.Count; m++)
            {
                string digits = SweepMetric.All[m] == SweepMetric.Perplexity ? "F1" : "F4";
                row.Add(s.Means[m].ToString(digits, CultureInfo.InvariantCulture) + " ± " + s.StandardDeviations[m].ToString(digits, CultureInfo.InvariantCulture));
            }
            row.Add(double.IsNaN(s.Stability) ? "–" : s.Stability.ToString("F4", CultureInfo.InvariantCulture));
            row.Add(s.Topics == result.RecommendedTopics ? "recommended" : "");
            return row;
        }).ToList();
        if (Terminal.IsInteractive)
        {
            var table = new Table();
            foreach (var h in header) table.AddColumn(Markup.Escape(h));
            foreach (var row in rows) table.AddRow([.. row.Select(Markup.Escape)]);
            AnsiConsole.Write(table);
            return;
        }
        Console.WriteLine(string.Join(" | ", header).TrimEnd(' ', '|'));
        foreach (var row in rows) Console.WriteLine(string.Join(" | ", row).TrimEnd(' ', '|'));
    }
}
