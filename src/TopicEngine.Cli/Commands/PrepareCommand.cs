using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TopicEngine.Corpus;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine prepare</c>: analyse a corpus once, build and prune the vocabulary, and write
/// a prepared corpus folder (corpus.bin, vocabulary.parquet, corpus.json) that <c>fit</c> reads
/// without analysing again. Prints <c>documents: N, tokens: N, vocabulary: N</c> (after pruning),
/// then the time and tokens/s.
/// </summary>
internal static class PrepareCommand
{
    internal static Command Create()
    {
        var corpus = new CorpusInputOptions();
        var output = new Option<string>("--out", "-o") { Description = "Folder to write (corpus.bin, vocabulary.parquet, corpus.json).", Required = true };
        var threads = new Option<int>("--threads") { Description = "Analysis threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var batchSize = new Option<int>("--batch-size") { Description = "Documents read and analysed together (bounds memory).", DefaultValueFactory = _ => new CorpusOptions().ChunkDocuments };
        var command = new Command("prepare", "Analyse a corpus once: vocabulary, pruning and a counted cache that fit reads.");
        corpus.AddTo(command);
        command.Add(output);
        command.Add(threads);
        command.Add(batchSize);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(
            ct => RunAsync(corpus, parseResult, parseResult.GetValue(output)!, parseResult.GetValue(threads), parseResult.GetValue(batchSize), ct), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CorpusInputOptions corpus, ParseResult parseResult, string output, int threads, int batchSize, CancellationToken cancellationToken)
    {
        var options = new CorpusOptions { Analyzer = corpus.Analyzer(parseResult), Pruning = corpus.Pruning(parseResult), Threads = threads, ChunkDocuments = batchSize };
        var input = corpus.Corpus(parseResult);
        CorpusSummary m;
        if (Terminal.IsInteractive)
        {
            m = await AnsiConsole.Status().StartAsync("analysing", async context =>
                await TopicCorpus.PrepareAsync(input, output, options, new Progress<PrepareProgress>(p => context.Status(Describe(p))), cancellationToken));
        }
        else
        {
            var last = TimeSpan.Zero;
            var progress = new Progress<PrepareProgress>(p =>
            {
                if (p.Elapsed - last < TimeSpan.FromSeconds(10)) return;
                last = p.Elapsed;
                Console.Error.WriteLine(Describe(p));
            });
            m = await TopicCorpus.PrepareAsync(input, output, options, progress, cancellationToken);
        }
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"documents: {m.Documents}, tokens: {m.Tokens}, vocabulary: {m.VocabularySize}");
        Console.WriteLine(string.Create(invariant,
            $"time: {m.Elapsed.TotalSeconds:F1} s, {m.TokensPerSecond:N0} tokens/s ({m.TokensBeforePruning:N0} tokens analysed, {m.VocabularySizeBeforePruning:N0} terms before pruning, {m.EmptyDocuments} empty documents)"));
        ReadingLines.Print(m.Reading);
        Console.WriteLine($"wrote {m.Directory}");
        return 0;
    }

    private static string Describe(PrepareProgress p) => p.Documents == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{p.Phase}, {p.Elapsed.TotalSeconds:F0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{p.Phase}: {p.Documents:N0} documents, {p.Tokens:N0} tokens, {p.Tokens / Math.Max(p.Elapsed.TotalSeconds, 1e-9):N0} tokens/s, {p.Elapsed.TotalSeconds:F0} s");
}
