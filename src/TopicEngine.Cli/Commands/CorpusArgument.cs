using System.CommandLine;
using System.Globalization;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// Where a training command gets its counted corpus: <c>--corpus DIR</c> (a folder written by
/// <c>prepare</c>), or raw <c>--input</c> (or the embedded default) prepared on the fly into a
/// temporary folder beside the output, removed when the command ends.
/// </summary>
internal sealed class CorpusArgument
{
    public CorpusInputOptions Input { get; } = new();

    public Option<string?> Prepared { get; } = new("--corpus") { Description = "A prepared corpus folder (from prepare); skips analysis." };

    public void AddTo(Command command)
    {
        command.Add(Prepared);
        Input.AddTo(command);
    }

    /// <summary>The corpus the flags name, for a trainer that prepares raw input itself (inside its output folder): a
    /// prepared folder (said on <paramref name="log"/>), or the raw input or embedded default.</summary>
    public CorpusInput Resolve(ParseResult parseResult, TextWriter? log = null)
    {
        log ??= Console.Out;
        string? prepared = parseResult.GetValue(Prepared);
        if (prepared is null) return Input.Corpus(parseResult);
        if ((parseResult.GetValue(Input.Input) ?? []).Length > 0)
            throw new TopicEngineException("give either --corpus (a prepared folder) or --input, not both");
        var opened = TopicCorpus.Open(prepared);
        log.WriteLine($"corpus: {opened.Directory} ({opened.Documents:N0} documents, {opened.Tokens:N0} tokens, vocabulary {opened.VocabularySize:N0})");
        return CorpusInput.FromPrepared(prepared);
    }

    /// <summary>Says what preparing raw input produced.</summary>
    public static void Describe(CorpusSummary m, TextWriter? log = null)
    {
        log ??= Console.Out;
        log.WriteLine($"documents: {m.Documents}, tokens: {m.Tokens}, vocabulary: {m.VocabularySize}");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysed in {m.Elapsed.TotalSeconds:F1} s ({m.TokensPerSecond:N0} tokens/s)"));
        ReadingLines.Print(m.Reading, log);
    }

    /// <summary>Opens or prepares the corpus; dispose the result to remove a temporary preparation. What was opened
    /// is said on <paramref name="log"/> (default stdout; <c>bench --json</c> keeps stdout for the JSON).</summary>
    public async Task<OpenedCorpus> OpenAsync(ParseResult parseResult, string besides, CancellationToken cancellationToken, TextWriter? log = null)
    {
        log ??= Console.Out;
        string? prepared = parseResult.GetValue(Prepared);
        if (prepared is not null)
        {
            if ((parseResult.GetValue(Input.Input) ?? []).Length > 0)
                throw new TopicEngineException("give either --corpus (a prepared folder) or --input, not both");
            var opened = TopicCorpus.Open(prepared);
            log.WriteLine($"corpus: {opened.Directory} ({opened.Documents:N0} documents, {opened.Tokens:N0} tokens, vocabulary {opened.VocabularySize:N0})");
            return new OpenedCorpus(opened, null);
        }
        var input = Input.Corpus(parseResult);
        string full = Path.GetFullPath(besides);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.corpus-{Guid.NewGuid():N}"[..^24]);
        var options = new CorpusOptions { Analyzer = Input.Analyzer(parseResult), Pruning = Input.Pruning(parseResult) };
        var m = await TopicCorpus.PrepareAsync(input, temp, options, null, cancellationToken);
        Describe(m, log);
        return new OpenedCorpus(m, m.Directory);
    }
}

/// <summary>A corpus a command trains on, and the temporary folder to remove afterwards (if any).</summary>
internal sealed record OpenedCorpus(CorpusSummary Corpus, string? TemporaryDirectory) : IDisposable
{
    /// <summary>The prepared folder as an input of the trainer.</summary>
    public CorpusInput Input => CorpusInput.FromPrepared(Corpus.Directory);

    public void Dispose()
    {
        if (TemporaryDirectory is not null) TopicCorpus.DeleteQuietly(TemporaryDirectory);
    }
}
