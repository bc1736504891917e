using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine evaluate</c>: scores a model, or any tool's topic-word matrix, on held-out
/// documents with one evaluator: document-completion perplexity (DESIGN.md), NPMI coherence of the
/// top words and topic diversity. This is how benchmarks/ compares TopicEngine with its peers.
/// </summary>
internal static class EvaluateCommand
{
    private static readonly EvaluationOptions Defaults = new();

    internal static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "A model directory to score." };
        var topicWord = new Option<string?>("--topic-word") { Description = "A K×V topic-word matrix (.npy, float32/64; λ or probabilities) to score instead of a model." };
        var vocabularyFrom = new Option<string?>("--vocabulary-from") { Description = "With --topic-word: the prepared corpus (or model) folder whose vocabulary and analyzer the matrix's columns follow." };
        var input = new CorpusInputOptions();
        var prepared = new Option<string?>("--corpus") { Description = "Held-out documents as a prepared folder counted with the same vocabulary (instead of --input)." };
        var reference = new Option<string?>("--reference") { Description = "Prepared corpus for NPMI co-occurrence counts (default: the held-out documents)." };
        var top = new Option<int>("--top") { Description = "Top words per topic for NPMI and diversity.", DefaultValueFactory = _ => Defaults.Top };
        var alpha = new Option<float?>("--alpha") { Description = "Document-topic prior for inferring θ (default: the model's α; 1/K for --topic-word)." };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = all cores).", DefaultValueFactory = _ => Defaults.Threads };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of lines." };
        var command = new Command("evaluate", "Held-out perplexity (document completion), NPMI coherence and diversity of a model or a topic-word matrix.");
        foreach (var option in new Option[] { model, topicWord, vocabularyFrom, prepared, reference, top, alpha, threads, json })
            command.Add(option);
        input.AddTo(command, pruning: false);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            var result = await TopicEvaluator.EvaluateAsync(new EvaluationOptions
            {
                ModelDirectory = parseResult.GetValue(model),
                TopicWordFile = parseResult.GetValue(topicWord),
                VocabularyFrom = parseResult.GetValue(vocabularyFrom),
                HeldOut = HeldOut(parseResult, input, parseResult.GetValue(prepared)),
                ReferenceDirectory = parseResult.GetValue(reference),
                Top = parseResult.GetValue(top),
                Alpha = parseResult.GetValue(alpha),
                Threads = parseResult.GetValue(threads),
            }, ct);

            var invariant = CultureInfo.InvariantCulture;
            if (parseResult.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    topics = result.Topics,
                    vocabulary = result.VocabularySize,
                    held_out_documents = result.HeldOutDocuments,
                    held_out_tokens = result.HeldOutTokens,
                    perplexity = result.Perplexity,
                    log_likelihood_per_word = result.LogLikelihoodPerWord,
                    npmi = result.Npmi,
                    npmi_top = result.NpmiTop,
                    diversity = result.Diversity,
                }));
            }
            else
            {
                Console.WriteLine(string.Create(invariant, $"held-out documents: {result.HeldOutDocuments:N0}, scored tokens: {result.HeldOutTokens:N0}"));
                Console.WriteLine(string.Create(invariant, $"npmi (top {result.NpmiTop}): {result.Npmi:F4}"));
                Console.WriteLine(string.Create(invariant, $"diversity (top {result.DiversityTop}): {result.Diversity:F3}"));
                Console.WriteLine(string.Create(invariant, $"held-out perplexity: {result.Perplexity:F2}"));
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>The held-out documents: the prepared folder of <c>--corpus</c>, else the raw <c>--input</c> (none: the
    /// evaluator asks for one of them).</summary>
    private static CorpusInput HeldOut(ParseResult parseResult, CorpusInputOptions input, string? preparedDirectory)
    {
        if (preparedDirectory is not null) return CorpusInput.FromPrepared(preparedDirectory);
        var paths = parseResult.GetValue(input.Input) ?? [];
        return paths.Length == 0 ? CorpusInput.EmbeddedDefault
            : CorpusInput.FromPaths(paths, CorpusInput.ParseFormat(parseResult.GetValue(input.Format)!), input.Reader(parseResult));
    }
}
