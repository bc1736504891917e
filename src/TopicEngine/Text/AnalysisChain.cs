using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Shingle;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace TopicEngine.Text;

/// <summary>
/// The Lucene analyzer behind <see cref="TextAnalyzer"/>. Thread-safe: Lucene keeps one set of
/// token-stream components per thread and reuses it for every document that thread analyses.
/// </summary>
internal sealed class AnalysisChain : Analyzer
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private readonly AnalyzerSettings _settings;
    private readonly CharArraySet? _stopWords;

    public AnalysisChain(AnalyzerSettings settings)
    {
        settings.Validate();
        _settings = settings;
        _stopWords = StopSet(settings);
    }

    /// <summary>The language's stop words (when on) plus the extra ones, or null when there are none.</summary>
    private static CharArraySet? StopSet(AnalyzerSettings settings)
    {
        var language = settings.StopWords ? StopWords.For(settings.Language) : null;
        if (settings.ExtraStopWords.Count == 0) return language;
        var combined = new CharArraySet(Version, (language?.Count ?? 0) + settings.ExtraStopWords.Count, ignoreCase: false);
        if (language is not null) combined.UnionWith(language);
        foreach (var word in settings.ExtraStopWords) combined.Add(word.ToLowerInvariant());
        return combined.AsReadOnly();
    }

    /// <summary>Before tokenization: file-system paths blanked out (unless URLs and file names are kept).</summary>
    protected override TextReader InitReader(string fieldName, TextReader reader) =>
        _settings.KeepUrls ? reader : FilePathCharFilter.Create(reader);

    /// <summary>The whole chain, top to bottom; the per-language steps follow Lucene's own language analyzers.</summary>
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        Tokenizer source = _settings.KeepUrls ? new StandardTokenizer(Version, reader) : new UAX29URLEmailTokenizer(Version, reader);
        TokenStream stream = new StandardFilter(Version, source);
        if (!_settings.KeepUrls) stream = new UrlEmailFilter(Version, stream);
        stream = new CJKWidthFilter(stream);
        stream = new CJKBigramFilter(stream);
        if (_settings.Language == "en") stream = new EnglishPossessiveFilter(Version, stream);
        if (_settings.Language == "fr") stream = new ElisionFilter(stream, FrenchAnalyzer.DEFAULT_ARTICLES);
        stream = new LowerCaseFilter(Version, stream);
        if (!_settings.KeepUrls) stream = new FileNameFilter(Version, stream);
        if (_stopWords is not null) stream = new StopFilter(Version, stream, _stopWords);
        stream = new MinimumLengthFilter(Version, stream, _settings.MinTokenLength);
        if (_settings.DropNumbers) stream = new NumberFilter(Version, stream);
        if (_settings.Language == "de") stream = new GermanNormalizationFilter(stream);
        if (_settings.Stem)
        {
            stream = _settings.Language switch
            {
                "en" => new PorterStemFilter(stream),
                "de" => new GermanLightStemFilter(stream),
                "fr" => new FrenchLightStemFilter(stream),
                "es" => new SpanishLightStemFilter(stream),
                _ => stream,
            };
        }
        if (_settings.NGrams > 1)
        {
            stream = new ClosePositionGapsFilter(stream);
            var shingles = new ShingleFilter(stream, 2, _settings.NGrams);
            shingles.SetOutputUnigrams(true);
            stream = shingles;
        }
        return new TokenStreamComponents(source, stream);
    }
}
