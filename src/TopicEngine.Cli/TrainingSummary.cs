using System.Globalization;
using TopicEngine.Inference;
using TopicEngine.Model;

namespace TopicEngine.Cli;

/// <summary>The end of <c>fit</c> and <c>update</c>: the top terms of every topic, then <c>held-out perplexity: X</c> as the last line.</summary>
internal static class TrainingSummary
{
    public static void PrintTopicsAndPerplexity(ModelSnapshot snapshot, TrainingResult result, int top)
    {
        TopicTable.Print(TopTerms.Compute(snapshot.Lambda, snapshot.Topics, snapshot.VocabularySize, top), snapshot.Vocabulary, top);
        Console.WriteLine(result.HeldOutPerplexity is { } perplexity
            ? string.Create(CultureInfo.InvariantCulture, $"held-out perplexity: {perplexity:F2}")
            : "held-out perplexity: n/a (--holdout 0)");
    }
}
