using TopicEngine.Text;

namespace TopicEngine.Tests;

public sealed class TextAnalyzerTests
{
    private static List<string> Terms(string text, AnalyzerSettings? settings = null)
    {
        using var analyzer = new TextAnalyzer(settings ?? new AnalyzerSettings());
        return analyzer.Terms(text);
    }

    [Fact]
    public void SnowballStopWordsAreRemovedNotJustLucenesShortList()
    {
        // "would", "their", "should", "which" are in the Snowball list but not in Lucene's 33-word default.
        var terms = Terms("The cats would chase their toys, which they should not do");
        Assert.Equal(["cats", "chase", "toys"], terms);
    }

    [Fact]
    public void TokensAreLowerCasedAndShortOnesDropped()
    {
        Assert.Equal(["graphics", "card", "gpu"], Terms("Graphics CARD is a GPU ok"));
        Assert.Equal(["graphics", "card", "gpu", "ok"], Terms("Graphics CARD is a GPU ok", new AnalyzerSettings { MinTokenLength = 2 }));
    }

    [Fact]
    public void PureNumbersAreDroppedButWordsWithDigitsStay()
    {
        Assert.Equal(["version", "mp3", "released", "users"], Terms("version 1.2.3 mp3 released 2024-01-01 at 10:30 for 1,000 users 3.14"));
        Assert.Contains("2024", Terms("released 2024", new AnalyzerSettings { DropNumbers = false }));
    }

    [Fact]
    public void StemmingIsOffByDefaultAndPorterWhenOn()
    {
        Assert.Equal(["running", "connections"], Terms("running connections"));
        Assert.Equal(["run", "connect"], Terms("running connections", new AnalyzerSettings { Stem = true }));
    }

    [Fact]
    public void BigramsJoinKeptWordsAcrossRemovedStopWords()
    {
        var terms = Terms("bank of america lends money", new AnalyzerSettings { NGrams = 2 });
        Assert.Equal(["bank", "bank america", "america", "america lends", "lends", "lends money", "money"], terms);
    }

    [Fact]
    public void TrigramsIncludeBigramsAndUnigrams()
    {
        var terms = Terms("neural network training", new AnalyzerSettings { NGrams = 3 });
        Assert.Contains("neural network training", terms);
        Assert.Contains("neural network", terms);
        Assert.Contains("training", terms);
    }

    [Fact]
    public void CyrillicTextYieldsLowerCasedTokens()
    {
        var terms = Terms("Москва является столицей России", new AnalyzerSettings { Language = "en" });
        Assert.Equal(["москва", "является", "столицей", "россии"], terms);
    }

    [Fact]
    public void ChineseAndJapaneseTextYieldBigrams()
    {
        var terms = Terms("我爱北京天安门 東京タワー");
        Assert.NotEmpty(terms);
        Assert.Contains("北京", terms);
    }

    [Fact]
    public void AVeryLongTokenDoesNotCrashAndNeighboursSurvive()
    {
        string text = "graphics " + new string('x', 10_000) + " shuttle";
        var terms = Terms(text);
        Assert.Contains("graphics", terms);
        Assert.Contains("shuttle", terms);
        Assert.All(terms, t => Assert.True(t.Length <= 255));
    }

    [Theory]
    [InlineData("de", "Die Häuser sind nicht groß und die Katzen schlafen", "katzen")]
    [InlineData("fr", "L'ordinateur et les maisons de la ville", "ordinateur")]
    [InlineData("es", "Los ordenadores y las casas de la ciudad", "ordenadores")]
    public void EachLanguageRemovesItsStopWords(string language, string text, string expected)
    {
        var terms = Terms(text, new AnalyzerSettings { Language = language });
        Assert.Contains(expected, terms);
        Assert.DoesNotContain("die", terms);
        Assert.DoesNotContain("les", terms);
        Assert.DoesNotContain("las", terms);
        Assert.DoesNotContain("und", terms);
    }

    [Fact]
    public void GermanStemmingUsesTheLanguagesStemmer()
    {
        var plain = Terms("Katzen Häuser", new AnalyzerSettings { Language = "de" });
        var stemmed = Terms("Katzen Häuser", new AnalyzerSettings { Language = "de", Stem = true });
        Assert.NotEqual(plain, stemmed);
        Assert.Equal(["katz", "haus"], stemmed);
    }

    [Fact]
    public void UnknownLanguageIsAUserError()
    {
        var e = Assert.Throws<TopicEngineException>(() => new TextAnalyzer(new AnalyzerSettings { Language = "xx" }));
        Assert.Contains("--language", e.Message);
    }

    [Fact]
    public void ManyThreadsShareOneAnalyzerAndAgree()
    {
        using var analyzer = new TextAnalyzer(new AnalyzerSettings { Stem = true, NGrams = 2 });
        string[] texts = Enumerable.Range(0, 64).Select(i => $"document number {i} talks about graphics cards and space shuttles {i % 7}").ToArray();
        var expected = texts.Select(t => string.Join('|', analyzer.Terms(t))).ToArray();
        var actual = new string[texts.Length];
        Parallel.For(0, texts.Length * 20, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int d = i % texts.Length;
            actual[d] = string.Join('|', analyzer.Terms(texts[d]));
            Assert.Equal(expected[d], actual[d]);
        });
    }

    [Fact]
    public void ExtraStopWordsAreRemovedBeforeStemmingAndWithoutTheLanguageList()
    {
        var settings = new AnalyzerSettings { Stem = true, ExtraStopWords = ["Initializes", "specified"] };
        Assert.Equal(["stream"], Terms("Initializes the specified stream", settings));
        Assert.Equal(["the", "stream"], Terms("Initializes the specified stream", settings with { StopWords = false }));
    }

    [Fact]
    public void SettingsRoundTripThroughJson()
    {
        var settings = new AnalyzerSettings { Language = "de", Stem = true, NGrams = 2, MinTokenLength = 4, ExtraStopWords = ["foo", "bar"] };
        string json = System.Text.Json.JsonSerializer.Serialize(settings);
        Assert.Contains("\"language\":\"de\"", json);
        Assert.Equal(settings, System.Text.Json.JsonSerializer.Deserialize<AnalyzerSettings>(json));
        Assert.NotEqual(settings, settings with { ExtraStopWords = ["foo"] });
        // Settings saved before keep_urls existed analysed URLs and file names as words; they read as keeping them.
        Assert.Equal(new AnalyzerSettings { KeepUrls = true }, System.Text.Json.JsonSerializer.Deserialize<AnalyzerSettings>("{}"));
    }
}
