using System.Globalization;

namespace TopicEngine.Cli;

/// <summary>The end of <c>fit</c> and <c>update</c>: the top terms of every topic, then <c>held-out perplexity: X</c> as the last line.</summary>
internal static class TrainingSummary
{
    public static void PrintTopicsAndPerplexity(TrainingReport report, int top)
    {
        TopicTable.Print(report.Topics, top);
        Console.WriteLine(report.HeldOutPerplexity is { } perplexity
            ? string.Create(CultureInfo.InvariantCulture, $"held-out perplexity: {perplexity:F2}")
            : "held-out perplexity: n/a (--holdout 0)");
    }
}
