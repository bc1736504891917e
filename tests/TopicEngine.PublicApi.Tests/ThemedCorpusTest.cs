namespace TopicEngine.PublicApi.Tests;

/// <summary>Small themed corpora for the public-API tests, and a temporary folder removed on dispose.</summary>
public abstract class ThemedCorpusTest : IDisposable
{
    private static readonly string[][] Themes =
    [
        ["galaxy", "nebula", "comet", "asteroid", "meteor", "stellar"],
        ["violin", "cello", "orchestra", "concerto", "symphony", "sonata"],
        ["tomato", "basil", "garlic", "onion", "pepper", "olive"],
    ];

    /// <summary>A new temporary folder for the test (not created).</summary>
    protected string Root { get; } = Path.Combine(Path.GetTempPath(), "topicengine-publicapi-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
    }

    /// <summary>Document d: 20 words, most from theme d mod 3; <paramref name="seed"/> varies the draw.</summary>
    protected static IEnumerable<string> Documents(int count, int seed = 0)
    {
        for (int d = 0; d < count; d++)
        {
            var random = new Random(seed * 1000 + d);
            yield return string.Join(' ', Enumerable.Range(0, 20).Select(_ =>
            {
                var theme = Themes[random.NextDouble() < 0.85 ? d % 3 : (d + 1) % 3];
                return theme[random.Next(theme.Length)];
            }));
        }
    }

    /// <summary>Writes the documents as text files into a new folder under <see cref="Root"/> and returns it.</summary>
    protected string TextFolder(string name, IEnumerable<string> documents)
    {
        string folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        int i = 0;
        foreach (var text in documents) File.WriteAllText(Path.Combine(folder, $"{i++:D3}.txt"), text);
        return folder;
    }
}
