using System.CommandLine;
using System.Globalization;
using TopicEngine.Backends;
using TopicEngine.Inference;
using TopicEngine.Model;

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
        var output = new Option<string>("--out", "-o") { Description = "Parquet file to write (doc_topics schema: doc_key, topic_id, probability, theta, gamma, entropy, token_count).", Required = true };
        var input = new CorpusInputOptions();
        input.Input.Description = "The new documents: a file or folder (repeatable), in any format fit reads.";
        var device = new Option<string>("--device") { Description = "auto (CUDA, then OpenCL, else CPU), cuda, opencl or cpu.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cuda", "opencl", "cpu");
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var batchSize = new Option<int>("--batch-size") { Description = "Documents analysed and inferred together.", DefaultValueFactory = _ => 1024 };
        var maxIterations = new Option<int>("--max-iterations") { Description = "Most local-step iterations per document (as in fit).", DefaultValueFactory = _ => LocalStepOptions.DefaultMaxIterations };
        var tolerance = new Option<float>("--tolerance") { Description = "Local step stops when mean |Δγ| falls below this (as in fit).", DefaultValueFactory = _ => LocalStepOptions.DefaultTolerance };

        var command = new Command("infer", "Infer the topic mixture (θ, γ, dominant topic, entropy) of new documents under a saved model.");
        command.Add(model);
        // Input and reader flags only: the analysis settings and the vocabulary are the model's.
        foreach (var option in new Option[] { input.Input, input.Format, input.TextField, input.IdField, input.OnErrorOption, input.Encoding })
            command.Add(option);
        foreach (var option in new Option[] { output, device, threads, batchSize, maxIterations, tolerance })
            command.Add(option);

        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            if (input.UsesDefaultCorpus(parseResult)) throw new TopicEngineException("infer needs --input (the new documents)");
            var settings = new InferenceOptions
            {
                LocalStep = new LocalStepOptions(parseResult.GetValue(maxIterations), parseResult.GetValue(tolerance)),
                Threads = parseResult.GetValue(threads),
            };
            settings.Validate();
            string modelDir = parseResult.GetValue(model)!;
            var snapshot = await ModelDirectory.LoadAsync(modelDir, ct);
            var sources = input.Sources(parseResult);
            if (snapshot.Analyzer is null && sources.Any(s => s.Format is not (Corpus.CorpusFormat.Uci or Corpus.CorpusFormat.Ldac)))
                Console.Error.WriteLine("warning: the model was fitted on pre-counted input and records no analyzer settings; text is analysed with the defaults");

            var choice = DeviceSelector.Select(DeviceSelector.Parse(parseResult.GetValue(device)!));
            using var _ = choice;
            if (choice.Warning is not null) Console.Error.WriteLine($"warning: {choice.Warning}");
            Console.Error.WriteLine($"device: {choice.Description}");

            string outPath = parseResult.GetValue(output)!;
            var request = new InferRequest(snapshot, sources, outPath, k => choice.CreateBackend(k, settings.Threads),
                settings.LocalStep, parseResult.GetValue(batchSize), settings.Threads);
            var r = await InferJob.RunAsync(request, ct);

            var invariant = CultureInfo.InvariantCulture;
            long all = r.Tokens + r.UnknownTokens;
            Console.WriteLine(string.Create(invariant,
                $"inferred {r.Documents:N0} documents in {r.Elapsed.TotalSeconds:F1} s on {r.Backend}: {r.Documents / Math.Max(r.Elapsed.TotalSeconds, 1e-9):N0} documents/s"));
            Console.WriteLine(string.Create(invariant,
                $"tokens: {r.Tokens:N0} known, {r.UnknownTokens:N0} unknown ({(all == 0 ? 0 : 100.0 * r.UnknownTokens / all):F1}%, not in the model's vocabulary)"));
            if (r.SkippedRecords > 0) Console.Error.WriteLine($"skipped {r.SkippedRecords} records that did not parse");
            Console.WriteLine($"wrote {Path.GetFullPath(outPath)}");
            return 0;
        }, cancellationToken));
        return command;
    }
}
