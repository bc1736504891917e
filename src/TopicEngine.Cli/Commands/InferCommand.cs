using System.CommandLine;
using System.Globalization;
using TopicEngine.Inference;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine infer</c>: the topic mixtures of new documents under a saved model, written as a Parquet file
/// with the doc_topics.parquet schema. The documents are analysed with the model's own analyzer settings, terms the
/// model does not know are dropped (and counted), and the model is left unchanged.
/// </summary>
internal static class InferCommand
{
    internal static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model directory (from fit).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Parquet file to write (doc_topics schema: doc_key, topic_id, probability, theta, gamma, entropy, token_count, theta_lower, theta_upper, credible_level).", Required = true };
        var interval = new Option<double>("--interval") { Description = "Posterior mass of each topic share's credible interval (theta_lower..theta_upper).", DefaultValueFactory = _ => new InferenceOptions().CredibleLevel };
        var input = new CorpusInputOptions();
        input.Input.Description = "The new documents: a file or folder (repeatable), in any format fit reads.";
        var device = TrainingFlags.DeviceOption();
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = all cores).", DefaultValueFactory = _ => new InferenceOptions().Threads };
        var batchSize = new Option<int>("--batch-size") { Description = "Documents analysed and inferred together.", DefaultValueFactory = _ => TopicModel.DefaultBatchSize };
        var maxIterations = new Option<int>("--max-iterations") { Description = "Most local-step iterations per document (as in fit).", DefaultValueFactory = _ => LocalStepOptions.DefaultMaxIterations };
        var tolerance = new Option<float>("--tolerance") { Description = "Local step stops when mean |Δγ| over the topics falls below this (as in fit; see --tolerance-by-length).", DefaultValueFactory = _ => LocalStepOptions.DefaultTolerance };
        var relaxation = TrainingFlags.RelaxationOption();
        var byLength = TrainingFlags.ToleranceByLengthOption();
        var command = new Command("infer", "Infer the topic mixture (θ, γ, dominant topic, entropy) of new documents under a saved model.");
        command.Add(model);
        // Input and reader flags only: the analysis settings and the vocabulary are the model's.
        input.AddReaderTo(command);
        foreach (var option in new Option[] { output, device, threads, batchSize, maxIterations, tolerance, byLength, relaxation, interval })
            command.Add(option);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            if (input.UsesDefaultCorpus(parseResult)) throw new TopicEngineException("infer needs --input (the new documents)");
            var settings = new InferenceOptions
            {
                LocalStep = new LocalStepOptions(parseResult.GetValue(maxIterations), parseResult.GetValue(tolerance))
                {
                    Relaxation = parseResult.GetValue(relaxation),
                    ToleranceByLength = parseResult.GetValue(byLength) == "on",
                },
                Threads = parseResult.GetValue(threads),
                CredibleLevel = parseResult.GetValue(interval),
            };
            settings.Validate();
            int batch = parseResult.GetValue(batchSize);
            if (batch <= 0) throw new TopicEngineException($"--batch-size must be at least 1, not {batch}");
            using var loaded = await TopicModel.LoadAsync(parseResult.GetValue(model)!, settings, ct);
            var documents = input.Corpus(parseResult);
            using var chosen = TrainingFlags.OpenDevice(parseResult.GetValue(device)!);
            string outPath = parseResult.GetValue(output)!;
            var r = await loaded.InferToFileAsync(documents, outPath, chosen, batch, ct);
            if (r.Warning is not null) Console.Error.WriteLine($"warning: {r.Warning}");
            var invariant = CultureInfo.InvariantCulture;
            long all = r.Tokens + r.UnknownTokens;
            Console.WriteLine(string.Create(invariant,
                $"inferred {r.Documents:N0} documents in {r.Elapsed.TotalSeconds:F1} s on {r.Backend}: {r.DocumentsPerSecond:N0} documents/s"));
            Console.WriteLine(string.Create(invariant,
                $"tokens: {r.Tokens:N0} known, {r.UnknownTokens:N0} unknown ({(all == 0 ? 0 : 100.0 * r.UnknownTokens / all):F1}%, not in the model's vocabulary)"));
            ReadingLines.Print(r.Reading);
            Console.WriteLine($"wrote {r.OutputPath}");
            return 0;
        }, cancellationToken));
        return command;
    }
}
