using System.CommandLine;
using TopicEngine.Corpus;
using TopicEngine.Text;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// The flags every command that reads raw input shares (<c>prepare</c>, <c>fit</c>, <c>update</c>,
/// <c>infer</c>, <c>evaluate</c>): where the corpus is, how to read it, how to analyse it and how to prune the
/// vocabulary. Each maps to one property of <see cref="ReaderOptions"/>, <see cref="AnalyzerSettings"/> or
/// <see cref="PruningSettings"/>, whose defaults they show. Create one per command; <see cref="AddTo"/> registers the flags.
/// </summary>
internal sealed class CorpusInputOptions
{
    private static readonly ReaderOptions ReaderDefaults = new();
    private static readonly AnalyzerSettings AnalyzerDefaults = new();
    private static readonly PruningSettings PruningDefaults = new();

    public Option<string[]> Input { get; } = new("--input", "-i")
    {
        Description = "Input file or folder (repeatable). Without it: the .NET API reference shipped with the SDK.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Format { get; } = new("--format") { Description = $"Input format: {CorpusInput.FormatNames}.", DefaultValueFactory = _ => "auto" };
    public Option<string> TextField { get; } = new("--text-field", "--field") { Description = "JSONL/Parquet/Lucene field or CSV column holding the text (or, with --content, the HTML, Markdown or raw e-mail).", DefaultValueFactory = _ => ReaderDefaults.TextField };
    public Option<string?> IdField { get; } = new("--id-field") { Description = "Field or column holding the document key (default: file:line)." };
    public Option<string> LuceneRead { get; } = new("--lucene-read") { Description = "Lucene index: auto (term vectors, else postings, else stored text), term-vectors, postings or stored-text.", DefaultValueFactory = _ => LuceneReadName(ReaderDefaults.LuceneRead) };
    public Option<string> OnErrorOption { get; } = new("--on-error") { Description = "A record that does not parse: fail (stop) or skip (count and report).", DefaultValueFactory = _ => OnErrorName(ReaderDefaults.OnError) };
    public Option<string> Encoding { get; } = new("--encoding") { Description = "utf-8 (strict), latin1, or auto (UTF-8; a text file that is not UTF-8 is read as Latin-1).", DefaultValueFactory = _ => EncodingName(ReaderDefaults.Encoding) };
    public Option<bool> NoCode { get; } = new("--no-code") { Description = $"Markdown: drop code blocks (default: {(ReaderDefaults.MarkdownCode ? "kept" : "dropped")})." };
    public Option<bool> KeepQuotes { get; } = new("--keep-quotes") { Description = $"E-mail: keep quoted reply lines starting with '>' (default: {(ReaderDefaults.KeepQuotes ? "kept" : "dropped")})." };
    public Option<bool> Attachments { get; } = new("--attachments") { Description = $"E-mail: read attachments that are html, markdown, pdf, docx, text or e-mail into their message's document (default: {(ReaderDefaults.Attachments ? "read" : "skipped and counted")})." };
    public Option<string> Content { get; } = new("--content") { Description = "What the --text-field of JSONL, CSV/TSV or Parquet records holds: text, html, markdown, or email (raw RFC 822 messages, read as .eml files are). --format email (html, markdown) on such a file is the same.", DefaultValueFactory = _ => ReaderDefaults.Content.ToString().ToLowerInvariant() };
    public Option<string> Language { get; } = new("--language") { Description = "Analysis language: en, de, fr, es.", DefaultValueFactory = _ => AnalyzerDefaults.Language };
    public Option<bool> Stem { get; } = new("--stem") { Description = "Stem words (Porter for English, Lucene's light stemmers otherwise)." };
    public Option<int> NGrams { get; } = new("--ngrams") { Description = "Longest word n-gram to add (1 = words only, 2 adds bigrams, 3 trigrams).", DefaultValueFactory = _ => AnalyzerDefaults.NGrams };
    public Option<int> MinLength { get; } = new("--min-length") { Description = "Shortest token kept, in characters.", DefaultValueFactory = _ => AnalyzerDefaults.MinTokenLength };
    public Option<bool> KeepUrls { get; } = new("--keep-urls") { Description = $"Keep URLs, host names, e-mail addresses and file names as words (default: {(AnalyzerDefaults.KeepUrls ? "kept" : "dropped")})." };
    public Option<string?> StopWordsFile { get; } = new("--stop-words") { Description = "A file of more stop words (one or more a line, '#' starts a comment), added to the language's list." };
    public Option<int> MinDf { get; } = new("--min-df") { Description = "Drop terms found in fewer documents than this.", DefaultValueFactory = _ => PruningDefaults.MinDf };
    public Option<double> MaxDf { get; } = new("--max-df") { Description = "Drop terms found in more than this fraction of documents.", DefaultValueFactory = _ => PruningDefaults.MaxDf };
    public Option<int> KeepN { get; } = new("--keep-n") { Description = "Keep at most this many terms (the most frequent).", DefaultValueFactory = _ => PruningDefaults.KeepN };

    public CorpusInputOptions()
    {
        OnErrorOption.AcceptOnlyFromAmong("fail", "skip");
        Encoding.AcceptOnlyFromAmong("utf-8", "utf8", "latin1", "auto");
        Language.AcceptOnlyFromAmong([.. AnalyzerSettings.Languages]);
        LuceneRead.AcceptOnlyFromAmong("auto", "term-vectors", "postings", "stored-text");
        Content.AcceptOnlyFromAmong([.. Enum.GetNames<FieldContent>().Select(n => n.ToLowerInvariant())]);
    }

    /// <summary>Adds the input and analysis flags (and, with <paramref name="pruning"/>, the vocabulary flags).</summary>
    public void AddTo(Command command, bool pruning = true)
    {
        foreach (var option in new Option[] { Input, Format, TextField, Content, IdField, LuceneRead, OnErrorOption, Encoding, NoCode, KeepQuotes, Attachments, Language, Stem, NGrams, MinLength, KeepUrls, StopWordsFile })
            command.Add(option);
        if (pruning)
            foreach (var option in new Option[] { MinDf, MaxDf, KeepN })
                command.Add(option);
    }

    /// <summary>The input and reader flags only (commands whose analysis settings and vocabulary are a model's).</summary>
    public void AddReaderTo(Command command)
    {
        foreach (var option in new Option[] { Input, Format, TextField, Content, IdField, LuceneRead, OnErrorOption, Encoding, NoCode, KeepQuotes, Attachments })
            command.Add(option);
    }

    /// <summary>The analysis flags (the library adds the default corpus's boilerplate stop words without <c>--input</c>).</summary>
    public AnalyzerSettings Analyzer(ParseResult parseResult) => AnalyzerDefaults with
    {
        Language = parseResult.GetValue(Language)!,
        Stem = parseResult.GetValue(Stem),
        NGrams = parseResult.GetValue(NGrams),
        MinTokenLength = parseResult.GetValue(MinLength),
        KeepUrls = parseResult.GetValue(KeepUrls) || AnalyzerDefaults.KeepUrls,
        ExtraStopWords = parseResult.GetValue(StopWordsFile) is { } file ? [.. AnalyzerDefaults.ExtraStopWords, .. ReadStopWords(file)] : AnalyzerDefaults.ExtraStopWords,
    };

    /// <summary>The words of a stop-word file: whitespace-separated, lower-cased, '#' to the end of a line a comment.</summary>
    private static IEnumerable<string> ReadStopWords(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TopicEngineException($"--stop-words '{path}' cannot be read ({e.Message})", e);
        }
        return lines.Select(line => line.Split('#', 2)[0])
            .SelectMany(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(word => word.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>True when no <c>--input</c> was given.</summary>
    public bool UsesDefaultCorpus(ParseResult parseResult) => (parseResult.GetValue(Input) ?? []).Length == 0;

    public PruningSettings Pruning(ParseResult parseResult) => new()
    {
        MinDf = parseResult.GetValue(MinDf),
        MaxDf = parseResult.GetValue(MaxDf),
        KeepN = parseResult.GetValue(KeepN),
    };

    public ReaderOptions Reader(ParseResult parseResult) => ReaderDefaults with
    {
        TextField = parseResult.GetValue(TextField)!,
        IdField = parseResult.GetValue(IdField),
        OnError = parseResult.GetValue(OnErrorOption) == "skip" ? OnError.Skip : OnError.Fail,
        Encoding = parseResult.GetValue(Encoding) switch { "latin1" => InputEncoding.Latin1, "auto" => InputEncoding.Auto, _ => InputEncoding.Utf8 },
        MarkdownCode = !parseResult.GetValue(NoCode) && ReaderDefaults.MarkdownCode,
        KeepQuotes = parseResult.GetValue(KeepQuotes) || ReaderDefaults.KeepQuotes,
        LuceneRead = parseResult.GetValue(LuceneRead) switch
        {
            "term-vectors" => LuceneReadStrategy.TermVectors,
            "postings" => LuceneReadStrategy.Postings,
            "stored-text" => LuceneReadStrategy.StoredText,
            _ => LuceneReadStrategy.Auto,
        },
        Attachments = parseResult.GetValue(Attachments) || ReaderDefaults.Attachments,
        Content = Enum.Parse<FieldContent>(parseResult.GetValue(Content)!, ignoreCase: true),
    };

    /// <summary>The raw input the flags name, or the embedded default (announced on stdout) when there is none.</summary>
    public CorpusInput Corpus(ParseResult parseResult)
    {
        if (UsesDefaultCorpus(parseResult))
        {
            Console.WriteLine($"corpus: {CorpusInput.DescribeEmbeddedDefault()}");
            return CorpusInput.EmbeddedDefault;
        }
        return CorpusInput.FromPaths(parseResult.GetValue(Input)!, CorpusInput.ParseFormat(parseResult.GetValue(Format)!), Reader(parseResult));
    }

    private static string LuceneReadName(LuceneReadStrategy value) => value switch
    {
        LuceneReadStrategy.TermVectors => "term-vectors",
        LuceneReadStrategy.Postings => "postings",
        LuceneReadStrategy.StoredText => "stored-text",
        _ => "auto",
    };

    private static string OnErrorName(OnError value) => value == OnError.Skip ? "skip" : "fail";

    private static string EncodingName(InputEncoding value) => value switch { InputEncoding.Latin1 => "latin1", InputEncoding.Auto => "auto", _ => "utf-8" };
}
