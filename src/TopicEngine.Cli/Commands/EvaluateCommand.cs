using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TopicEngine.Corpus;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine evaluate</c>: scores a model, or any tool's topic-word matrix, on held-out
/// documents with one evaluator: document-completion perplexity (DESIGN.md), NPMI coherence of the
/// top words and topic diversity. This is how benchmarks/ compares TopicEngine with its peers.
/// </summary>
internal static class EvaluateCommand
{
    internal static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "A model directory to score." };
        var topicWord = new Option<string?>("--topic-word") { Description = "A K×V topic-word matrix (.npy, float32/64; λ or probabilities) to score instead of a model." };
        var vocabularyFrom = new Option<string?>("--vocabulary-from") { Description = "With --topic-word: the prepared corpus (or model) folder whose vocabulary and analyzer the matrix's columns follow." };
        var input = new CorpusInputOptions();
        var prepared = new Option<string?>("--corpus") { Description = "Held-out documents as a prepared folder counted with the same vocabulary (instead of --input)." };
        var reference = new Option<string?>("--reference") { Description = "Prepared corpus for NPMI co-occurrence counts (default: the held-out documents)." };
        var top = new Option<int>("--top") { Description = "Top words per topic for NPMI and diversity.", DefaultValueFactory = _ => 10 };
        var alpha = new Option<float?>("--alpha") { Description = "Document-topic prior for inferring θ (default: the model's α; 1/K for --topic-word)." };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of lines." };
        var command = new Command("evaluate", "Held-out perplexity (document completion), NPMI coherence and diversity of a model or a topic-word matrix.");
        foreach (var option in new Option[] { model, topicWord, vocabularyFrom, prepared, reference, top, alpha, threads, json })
            command.Add(option);
        input.AddTo(command, pruning: false);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            var (topicWordMatrix, k, vocabulary, analyzer, modelAlpha) = await LoadTopicsAsync(
                parseResult.GetValue(model), parseResult.GetValue(topicWord), parseResult.GetValue(vocabularyFrom), ct);
            int v = vocabulary.Count;
            IBatchSource heldOut;
            string? preparedDir = parseResult.GetValue(prepared);
            // raw held-out documents are counted against the vocabulary into a temporary corpus.bin (bounded memory)
            string working = Path.Combine(Path.GetTempPath(), $"topic-engine-evaluate-{Guid.NewGuid():N}");
            try
            {
                if (preparedDir is not null)
                {
                    var corpus = PreparedCorpus.Open(preparedDir);
                    RequireSameVocabulary(corpus.Vocabulary, vocabulary, preparedDir);
                    heldOut = corpus;
                }
                else
                {
                    if ((parseResult.GetValue(input.Input) ?? []).Length == 0)
                        throw new TopicEngineException("give the held-out documents with --input (raw) or --corpus (prepared)");
                    heldOut = NewDocumentCorpus.Count(input.Sources(parseResult), vocabulary, analyzer, working, grow: null,
                        parseResult.GetValue(threads), ct);
                }
                IBatchSource npmiReference = heldOut;
                if (parseResult.GetValue(reference) is { } referenceDir)
                {
                    var corpus = PreparedCorpus.Open(referenceDir);
                    RequireSameVocabulary(corpus.Vocabulary, vocabulary, referenceDir);
                    npmiReference = corpus;
                }

                float[] alphaValues = parseResult.GetValue(alpha) is { } a ? Enumerable.Repeat(a, k).ToArray()
                    : modelAlpha ?? Enumerable.Repeat(1f / k, k).ToArray();
                using var backend = new Backends.CpuBackend(k, parseResult.GetValue(threads));
                var completion = DocumentCompletion.Evaluate(topicWordMatrix, k, v, heldOut, alphaValues, backend);
                int n = parseResult.GetValue(top);
                const int DiversityTop = 25;
                var ranked = TopicCoherence.TopTerms(topicWordMatrix, k, v, Math.Max(n, DiversityTop));   // best first
                var npmi = TopicCoherence.Npmi([.. ranked.Select(t => t[..Math.Min(n, t.Length)])], npmiReference);
                double diversity = TopicCoherence.Diversity([.. ranked.Select(t => t[..Math.Min(DiversityTop, t.Length)])]);

                var invariant = CultureInfo.InvariantCulture;
                if (parseResult.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        topics = k,
                        vocabulary = v,
                        held_out_documents = completion.Documents,
                        held_out_tokens = completion.HeldOutTokens,
                        perplexity = completion.Perplexity,
                        log_likelihood_per_word = completion.LogLikelihoodPerWord,
                        npmi = npmi.Mean,
                        npmi_top = n,
                        diversity,
                    }));
                }
                else
                {
                    Console.WriteLine(string.Create(invariant, $"held-out documents: {completion.Documents:N0}, scored tokens: {completion.HeldOutTokens:N0}"));
                    Console.WriteLine(string.Create(invariant, $"npmi (top {n}): {npmi.Mean:F4}"));
                    Console.WriteLine(string.Create(invariant, $"diversity (top 25): {diversity:F3}"));
                    Console.WriteLine(string.Create(invariant, $"held-out perplexity: {completion.Perplexity:F2}"));
                }
                return 0;
            }
            finally
            {
                AtomicFile.TryDeleteDirectory(working);
            }
        }, cancellationToken));
        return command;
    }

    /// <summary>The topics to score as a K×V topic-major matrix, with their vocabulary, analyzer and α (null when unknown).</summary>
    private static async Task<(float[] TopicWord, int Topics, Vocabulary Vocabulary, AnalyzerSettings? Analyzer, float[]? Alpha)> LoadTopicsAsync(
        string? modelDir, string? topicWordPath, string? vocabularyFrom, CancellationToken ct)
    {
        if ((modelDir is null) == (topicWordPath is null))
            throw new TopicEngineException("give exactly one of --model or --topic-word");
        if (modelDir is not null)
        {
            var snapshot = await ModelDirectory.LoadAsync(modelDir, ct);
            var analyzer = snapshot.Analyzer?.Deserialize<AnalyzerSettings>();   // null: fitted on pre-counted input
            return (LdaMath.ExpectedTopicWord(snapshot.Lambda, snapshot.VocabularySize, snapshot.Topics), snapshot.Topics, snapshot.Vocabulary, analyzer, snapshot.Alpha);
        }
        if (vocabularyFrom is null)
            throw new TopicEngineException("--topic-word needs --vocabulary-from (the prepared corpus the matrix was fitted on)");
        var (values, rows, columns) = NpyFile.ReadMatrix(topicWordPath!);
        var corpus = PreparedCorpus.Open(vocabularyFrom);
        if (columns != corpus.VocabularySize)
            throw new TopicEngineException($"{topicWordPath}: {columns} columns, but the vocabulary of {vocabularyFrom} has {corpus.VocabularySize} terms");
        return (values, rows, corpus.Vocabulary, corpus.ModelAnalyzerSettings, null);
    }

    private static void RequireSameVocabulary(Vocabulary actual, Vocabulary expected, string where)
    {
        if (actual.Count != expected.Count || actual.Fingerprint() != expected.Fingerprint())
            throw new TopicEngineException($"{where}: its vocabulary differs from the model's; count the held-out documents with --input instead");
    }
}
