using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Snowball;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace TopicEngine.Text;

/// <summary>
/// The Snowball stop lists that ship inside Lucene.Net.Analysis.Common, one per language.
/// English uses the Snowball list (174 words), not Lucene's 33-word default.
/// </summary>
internal static class StopWords
{
    private static readonly Lazy<CharArraySet> English = new(() =>
    {
        const string resource = "Lucene.Net.Analysis.Common.Analysis.Snowball.english_stop.txt";
        using var stream = typeof(SnowballFilter).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Lucene.Net.Analysis.Common no longer ships {resource}.");
        using var reader = new StreamReader(stream);
        return WordlistLoader.GetSnowballWordSet(reader, LuceneVersion.LUCENE_48).AsReadOnly();
    });

    /// <summary>The stop set for an <see cref="AnalyzerSettings.Language"/> code.</summary>
    public static CharArraySet For(string language) => language switch
    {
        "en" => English.Value,
        "de" => GermanAnalyzer.DefaultStopSet,
        "fr" => FrenchAnalyzer.DefaultStopSet,
        "es" => SpanishAnalyzer.DefaultStopSet,
        _ => throw new TopicEngineException($"unknown language '{language}' (--language takes {string.Join(", ", AnalyzerSettings.Languages)})"),
    };
}
