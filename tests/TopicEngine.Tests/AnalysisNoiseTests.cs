using System.Text.Json;
using System.Text.Json.Nodes;
using TopicEngine.Text;

namespace TopicEngine.Tests;

/// <summary>URLs, host names, e-mail addresses and file names stay out of the vocabulary by default (issue 11).</summary>
public sealed class AnalysisNoiseTests
{
    private const string Noisy = "See https://docs.python.org/3/library/os.html or docs.python.org, mail help@python.org, open structures.html and setup.py; the asyncio changelog.";

    private static List<string> Terms(AnalyzerSettings settings, string text)
    {
        using var analyzer = new TextAnalyzer(settings);
        return analyzer.Terms(text);
    }

    [Fact]
    public void UrlsHostNamesEmailAddressesAndFileNamesAreNotTerms()
    {
        Assert.Equal(["see", "mail", "open", "asyncio", "changelog"], Terms(new AnalyzerSettings(), Noisy));
    }

    [Fact]
    public void KeepUrlsAnalysesThemAsWordsAsBefore()
    {
        var terms = Terms(new AnalyzerSettings { KeepUrls = true }, Noisy);
        Assert.Contains("docs.python.org", terms);
        Assert.Contains("structures.html", terms);
        Assert.Contains("setup.py", terms);
        Assert.Contains("python.org", terms);
    }

    [Fact]
    public void FilePathsAreNotTermsButSlashedWordsStay()
    {
        Assert.Equal(["docs", "installed", "see", "input", "output", "half"],
            Terms(new AnalyzerSettings(), "docs installed in /usr/share/doc/lame/html/basic.html, see ~/.procmailrc/rules input/output ../lib/x/y.so half 1/2"));
        Assert.Contains("usr", Terms(new AnalyzerSettings { KeepUrls = true }, "/usr/share/doc"));
    }

    [Fact]
    public void DottedWordsThatAreNoFileNamesStay()
    {
        Assert.Equal(["os.path", "join", "version"], Terms(new AnalyzerSettings(), "os.path join version 3.12"));
    }

    [Fact]
    public void SavedSettingsWithoutKeepUrlsReadAsKeepingThemSoOldModelsAnalyseAsBefore()
    {
        var saved = JsonSerializer.SerializeToNode(new AnalyzerSettings())!.AsObject();
        Assert.False(saved.Deserialize<AnalyzerSettings>()!.KeepUrls);
        saved.Remove("keep_urls");
        Assert.True(saved.Deserialize<AnalyzerSettings>()!.KeepUrls);
        Assert.Equal(new AnalyzerSettings { KeepUrls = true }, JsonNode.Parse(saved.ToJsonString())!.Deserialize<AnalyzerSettings>());
    }
}
