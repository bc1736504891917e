using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine evaluate</c>: scores a model, or any tool's topic-word matrix, with one evaluator: document-completion
/// perplexity on held-out documents (DESIGN.md), UMass, NPMI and C_V coherence of the top words over a reference corpus
/// (as gensim's CoherenceModel computes them) and topic diversity. This is how benchmarks/ compares TopicEngine with its peers.
/// </summary>
internal static class EvaluateCommand
{
    private static readonly EvaluationOptions Defaults = new();

    internal static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "A model directory to score." };
        var topicWord = new Option<string?>("--topic-word") { Description = "A topic-word matrix to score instead of a model: .npy (K×V, float32/64; λ or probabilities) or a Parquet/CSV table with columns topic_id, term, weight." };
        var vocabularyFrom = new Option<string?>("--vocabulary-from") { Description = "With --topic-word: the prepared corpus (or model) folder whose vocabulary and analyzer the matrix's columns follow." };
        var input = new CorpusInputOptions();
        var prepared = new Option<string?>("--corpus") { Description = "Held-out documents as a prepared folder counted with the same vocabulary (instead of --input)." };
        var reference = new Option<string[]>("--reference")
        {
            Description = "Reference corpus for coherence: raw files or folders (word order kept: sliding windows) or one prepared folder (document co-occurrence only). Default: the corpus the model was fitted on, else the held-out documents.",
            AllowMultipleArgumentsPerToken = true,
        };
        var top = new Option<int>("--top") { Description = "Top words per topic that UMass, NPMI and C_V score.", DefaultValueFactory = _ => Defaults.Top };
        var alpha = new Option<float?>("--alpha") { Description = "Document-topic prior for inferring θ (default: the model's α; 1/K for --topic-word)." };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = all cores).", DefaultValueFactory = _ => Defaults.Threads };
        var output = new Option<string?>("--out", "-o") { Description = $"A folder to write {TopicEvaluator.OutputFileName} into (one row per topic, then the averages)." };
        var exportTexts = new Option<string?>("--export-texts") { Description = "Write the reference's analysed tokens to this file, one JSON array per document per line (what gensim's CoherenceModel needs as texts to score the same documents)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("evaluate", "Held-out perplexity (document completion), UMass, NPMI and C_V coherence and diversity of a model or a topic-word matrix.");
        foreach (var option in new Option[] { model, topicWord, vocabularyFrom, prepared, reference, top, alpha, threads, output, exportTexts, json })
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
                Reference = Reference(parseResult, input, parseResult.GetValue(reference) ?? []),
                Top = parseResult.GetValue(top),
                Alpha = parseResult.GetValue(alpha),
                Threads = parseResult.GetValue(threads),
                OutputDirectory = parseResult.GetValue(output),
                ExportTextsTo = parseResult.GetValue(exportTexts),
            }, ct);

            if (parseResult.GetValue(json)) PrintJson(result);
            else PrintTable(result);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static void PrintJson(EvaluationResult result)
    {
        static double? Finite(double x) => double.IsFinite(x) ? x : null;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            topics = result.Topics,
            vocabulary = result.VocabularySize,
            held_out_documents = result.HeldOutDocuments,
            held_out_tokens = result.HeldOutTokens,
            perplexity = Finite(result.Perplexity),
            log_likelihood_per_word = Finite(result.LogLikelihoodPerWord),
            umass = result.UMass,
            npmi = result.Npmi,
            c_v = result.Cv,
            npmi_top = result.NpmiTop,
            diversity = result.Diversity,
            diversity_top = result.DiversityTop,
            reference = result.Reference,
            reference_source = result.ReferenceSource.ToString(),
            reference_documents = result.ReferenceDocuments,
            sliding_windows = result.SlidingWindows,
            notes = result.Notes,
            per_topic = result.TopicScores.Select(s => new
            {
                topic_id = s.TopicId,
                top_terms = s.TopTerms,
                umass = s.UMass,
                npmi = s.Npmi,
                c_v = s.Cv,
                missing_terms = s.MissingTerms,
            }),
        }));
    }

    private static void PrintTable(EvaluationResult result)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"reference ({result.ReferenceSource}): {result.Reference}");
        Console.WriteLine(string.Create(invariant, $"{"topic",5}  {"umass",8}  {"npmi",7}  {"c_v",6}  top {result.NpmiTop} words"));
        foreach (var s in result.TopicScores)
            Console.WriteLine(string.Create(invariant, $"{s.TopicId,5}  {s.UMass,8:F4}  {s.Npmi,7:F4}  {s.Cv,6:F4}  {string.Join(' ', s.TopTerms)}"));
        Console.WriteLine(string.Create(invariant, $"{"mean",5}  {result.UMass,8:F4}  {result.Npmi,7:F4}  {result.Cv,6:F4}"));
        Console.WriteLine(string.Create(invariant, $"diversity (top {result.DiversityTop}): {result.Diversity:F3}"));
        if (result.HeldOutDocuments > 0)
        {
            Console.WriteLine(string.Create(invariant, $"held-out documents: {result.HeldOutDocuments:N0}, scored tokens: {result.HeldOutTokens:N0}"));
            Console.WriteLine(string.Create(invariant, $"held-out perplexity: {result.Perplexity:F2}"));
        }
        foreach (var note in result.Notes) Console.WriteLine($"note: {note}");
    }

    /// <summary>The held-out documents: the prepared folder of <c>--corpus</c>, else the raw <c>--input</c>, else none.</summary>
    private static CorpusInput? HeldOut(ParseResult parseResult, CorpusInputOptions input, string? preparedDirectory)
    {
        if (preparedDirectory is not null) return CorpusInput.FromPrepared(preparedDirectory);
        var paths = parseResult.GetValue(input.Input) ?? [];
        return paths.Length == 0 ? null
            : CorpusInput.FromPaths(paths, CorpusInput.ParseFormat(parseResult.GetValue(input.Format)!), input.Reader(parseResult));
    }

    /// <summary><c>--reference</c>: one prepared folder, or raw paths read like <c>--input</c>; none: the default.</summary>
    private static CorpusInput? Reference(ParseResult parseResult, CorpusInputOptions input, string[] paths)
    {
        if (paths.Length == 0) return null;
        if (paths.Length == 1 && CorpusInput.IsPreparedFolder(paths[0])) return CorpusInput.FromPrepared(paths[0]);
        return CorpusInput.FromPaths(paths, CorpusInput.ParseFormat(parseResult.GetValue(input.Format)!), input.Reader(parseResult));
    }
}
