using System.Globalization;
using System.Text;
using TopicEngine.Corpus;

namespace TopicEngine.Tests;

/// <summary>Writes counted documents as a UCI bag-of-words pair (docword.NAME.txt + vocab.NAME.txt), the pre-counted input of the CLI.</summary>
internal static class UciTestFiles
{
    /// <summary>Writes documents <paramref name="first"/>.. <paramref name="first"/>+<paramref name="count"/>−1 of
    /// <paramref name="corpus"/> (term ids index <paramref name="terms"/>); returns the docword path.</summary>
    public static string Write(string directory, string name, InMemoryCorpus corpus, int first, int count, IReadOnlyList<string> terms)
    {
        Directory.CreateDirectory(directory);
        var batch = corpus.Slice(first, count);
        var lines = new StringBuilder();
        int nonZeros = 0;
        for (int d = 0; d < batch.DocumentCount; d++)
        {
            var ids = batch.DocumentTerms(d);
            var counts = batch.DocumentCounts(d);
            for (int i = 0; i < ids.Length; i++, nonZeros++)
                lines.Append(CultureInfo.InvariantCulture, $"{d + 1} {ids[i] + 1} {(int)counts[i]}\n");
        }
        string docword = Path.Combine(directory, $"docword.{name}.txt");
        File.WriteAllText(docword, $"{batch.DocumentCount}\n{terms.Count}\n{nonZeros}\n{lines}");
        File.WriteAllLines(Path.Combine(directory, $"vocab.{name}.txt"), terms);
        return docword;
    }
}
