using System.CommandLine;
using TopicEngine.Corpus;
using TopicEngine.Text;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// The flags every command that reads raw input shares (<c>prepare</c>, <c>fit</c>, <c>update</c>,
/// <c>infer</c>): where the corpus is, how to read it, how to analyse it and how to prune the
/// vocabulary. Create one per command; <see cref="AddTo"/> registers the flags.
/// </summary>
internal sealed class CorpusInputOptions
{
    public Option<string[]> Input { get; } = new("--input", "-i")
    {
        Description = "Input file or folder (repeatable). Without it: the .NET API reference shipped with the SDK.",
        AllowMultipleArgumentsPerToken = true,
    };
    public Option<string> Format { get; } = new("--format") { Description = $"Input format: {CorpusSources.FormatNames}.", DefaultValueFactory = _ => "auto" };
    public Option<string> TextField { get; } = new("--text-field") { Description = "JSONL/Parquet field or CSV column holding the text.", DefaultValueFactory = _ => "text" };
    public Option<string?> IdField { get; } = new("--id-field") { Description = "Field or column holding the document key (default: file:line)." };
    public Option<string> OnErrorOption { get; } = new("--on-error") { Description = "A record that does not parse: fail (stop) or skip (count and report).", DefaultValueFactory = _ => "fail" };
    public Option<string> Encoding { get; } = new("--encoding") { Description = "utf-8 (strict), latin1, or auto (UTF-8; a text file that is not UTF-8 is read as Latin-1).", DefaultValueFactory = _ => "utf-8" };
    public Option<string> Language { get; } = new("--language") { Description = "Analysis language: en, de, fr, es.", DefaultValueFactory = _ => "en" };
    public Option<bool> Stem { get; } = new("--stem") { Description = "Stem words (Porter for English, Lucene's light stemmers otherwise)." };
    public Option<int> NGrams { get; } = new("--ngrams") { Description = "Longest word n-gram to add (1 = words only, 2 adds bigrams, 3 trigrams).", DefaultValueFactory = _ => 1 };
    public Option<int> MinLength { get; } = new("--min-length") { Description = "Shortest token kept, in characters.", DefaultValueFactory = _ => 3 };
    public Option<int> MinDf { get; } = new("--min-df") { Description = "Drop terms found in fewer documents than this.", DefaultValueFactory = _ => 5 };
    public Option<double> MaxDf { get; } = new("--max-df") { Description = "Drop terms found in more than this fraction of documents.", DefaultValueFactory = _ => 0.5 };
    public Option<int> KeepN { get; } = new("--keep-n") { Description = "Keep at most this many terms (the most frequent).", DefaultValueFactory = _ => 100_000 };

    public CorpusInputOptions()
    {
        OnErrorOption.AcceptOnlyFromAmong("fail", "skip");
        Encoding.AcceptOnlyFromAmong("utf-8", "utf8", "latin1", "auto");
        Language.AcceptOnlyFromAmong([.. AnalyzerSettings.Languages]);
    }

    /// <summary>Adds the input and analysis flags (and, with <paramref name="pruning"/>, the vocabulary flags).</summary>
    public void AddTo(Command command, bool pruning = true)
    {
        foreach (var option in new Option[] { Input, Format, TextField, IdField, OnErrorOption, Encoding, Language, Stem, NGrams, MinLength })
            command.Add(option);
        if (pruning)
            foreach (var option in new Option[] { MinDf, MaxDf, KeepN })
                command.Add(option);
    }

    /// <summary>The analysis flags; without <c>--input</c>, the default corpus's documentation boilerplate is added to the stop words.</summary>
    public AnalyzerSettings Analyzer(ParseResult parseResult) => new()
    {
        Language = parseResult.GetValue(Language)!,
        Stem = parseResult.GetValue(Stem),
        NGrams = parseResult.GetValue(NGrams),
        MinTokenLength = parseResult.GetValue(MinLength),
        ExtraStopWords = UsesDefaultCorpus(parseResult) ? DefaultCorpus.BoilerplateStopWords : [],
    };

    /// <summary>True when no <c>--input</c> was given.</summary>
    public bool UsesDefaultCorpus(ParseResult parseResult) => (parseResult.GetValue(Input) ?? []).Length == 0;

    public PruningSettings Pruning(ParseResult parseResult) => new()
    {
        MinDf = parseResult.GetValue(MinDf),
        MaxDf = parseResult.GetValue(MaxDf),
        KeepN = parseResult.GetValue(KeepN),
    };

    public ReaderOptions Reader(ParseResult parseResult) => new()
    {
        TextField = parseResult.GetValue(TextField)!,
        IdField = parseResult.GetValue(IdField),
        OnError = parseResult.GetValue(OnErrorOption) == "skip" ? OnError.Skip : OnError.Fail,
        Encoding = parseResult.GetValue(Encoding) switch { "latin1" => InputEncoding.Latin1, "auto" => InputEncoding.Auto, _ => InputEncoding.Utf8 },
    };

    /// <summary>The sources the input flags name, or the embedded default (announced on stdout) when there are none.</summary>
    public IReadOnlyList<CorpusSource> Sources(ParseResult parseResult)
    {
        var inputs = parseResult.GetValue(Input) ?? [];
        if (UsesDefaultCorpus(parseResult))
        {
            var corpus = DefaultCorpus.Locate();
            Console.WriteLine($"corpus: {corpus.Describe()}");
            return [corpus];
        }
        return CorpusSources.Open(inputs, CorpusSources.ParseFormat(parseResult.GetValue(Format)!), Reader(parseResult));
    }
}
