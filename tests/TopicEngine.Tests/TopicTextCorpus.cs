namespace TopicEngine.Tests;

/// <summary>
/// A small text corpus with three clear themes (space, graphics, hockey), written as one file per
/// document: each document draws most of its 40 words from one theme, the rest from another.
/// </summary>
internal static class TopicTextCorpus
{
    public static readonly string[][] Themes =
    [
        ["orbit", "shuttle", "launch", "rocket", "planet", "moon", "astronaut", "satellite", "mission", "telescope"],
        ["graphics", "card", "driver", "memory", "pixel", "screen", "render", "shader", "display", "monitor"],
        ["hockey", "team", "game", "season", "player", "goal", "coach", "league", "score", "playoff"],
    ];

    /// <summary>The text of document <paramref name="d"/> (deterministic).</summary>
    public static string Text(int d, int words = 40)
    {
        var random = new Random(1000 + d);
        int main = d % Themes.Length, other = (d + 1 + random.Next(2)) % Themes.Length;
        var picked = new string[words];
        for (int i = 0; i < words; i++)
        {
            var theme = Themes[random.NextDouble() < 0.8 ? main : other];
            picked[i] = theme[random.Next(theme.Length)];
        }
        return string.Join(' ', picked) + ".";
    }

    /// <summary>Writes <paramref name="documents"/> files <c>NNN.txt</c> into <paramref name="folder"/> and returns key → text.</summary>
    public static Dictionary<string, string> Write(TempDirectory dir, string folder, int documents = 60)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int d = 0; d < documents; d++)
        {
            string key = $"{d:D3}.txt";
            texts[key] = Text(d);
            dir.Write($"{folder}/{key}", texts[key]);
        }
        return texts;
    }
}
