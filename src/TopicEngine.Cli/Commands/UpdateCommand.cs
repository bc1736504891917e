using System.CommandLine;
using System.Globalization;
using TopicEngine.Inference;
using TopicEngine.Model;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine update</c>: folds new documents (and, with <c>--grow-vocab</c>, new words) into a saved model by
/// continuing online SVI from its λ, α, η and step counter (see <see cref="UpdateJob"/>). The text is analysed with
/// the model's own analyzer settings, so no analysis flags are offered. Ends with the top terms of every topic and
/// <c>held-out perplexity: X</c> on held-out new documents.
/// </summary>
internal static class UpdateCommand
{
    internal static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "The model directory to update.", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "Write the updated model here (default: replace --model, atomically)." };
        var grow = new Option<bool>("--grow-vocab") { Description = "Add new terms whose document frequency in the new data passes --min-df/--max-df (ids after the existing ones; --keep-n caps the whole vocabulary)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Documents per mini-batch (default: the model's)." };
        var top = new Option<int>("--top") { Description = "Terms per topic to print.", DefaultValueFactory = _ => 10 };
        var full = new Option<bool>("--full") { Description = "Write every term of every topic to topics.parquet (default: top 50)." };
        var input = new CorpusInputOptions();
        input.Input.Required = true;
        var training = new TrainingFlags();

        var command = new Command("update", "Fold new documents (and new words) into a saved model by continuing online SVI.");
        command.Add(model);
        foreach (var option in new Option[] { input.Input, input.Format, input.TextField, input.IdField, input.OnErrorOption, input.Encoding })
            command.Add(option);
        command.Add(output);
        command.Add(grow);
        foreach (var option in new Option[] { input.MinDf, input.MaxDf, input.KeepN })
            command.Add(option);
        command.Add(batchSize);
        foreach (var option in new Option[] { training.Passes, training.MaxIterations, training.Tolerance, training.Holdout, training.Seed, training.Threads, training.EvalEvery, training.Device })
            command.Add(option);
        command.Add(top);
        command.Add(full);

        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            string modelDir = parseResult.GetValue(model)!;
            var manifest = await ModelDirectory.VerifyAsync(modelDir, ct);
            string passes = parseResult.GetValue(training.Passes)!;
            var options = new TrainingOptions
            {
                Topics = manifest.Topics,
                Kappa = manifest.Kappa,
                Tau0 = manifest.Tau0,
                Passes = passes.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null
                    : int.TryParse(passes, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n
                    : throw new TopicEngineException($"--passes must be a positive number or auto, not '{passes}'"),
                BatchSize = parseResult.GetValue(batchSize) ?? (manifest.BatchSize > 0 ? manifest.BatchSize : null),   // null: auto
                LocalStep = new LocalStepOptions(parseResult.GetValue(training.MaxIterations), parseResult.GetValue(training.Tolerance)),
                HoldoutFraction = parseResult.GetValue(training.Holdout),
                Seed = parseResult.GetValue(training.Seed),
                Threads = parseResult.GetValue(training.Threads),
                EvalEvery = parseResult.GetValue(training.EvalEvery),
            };
            options.Validate();
            var sources = input.Sources(parseResult);
            using var device = training.SelectDevice(parseResult);
            var request = new UpdateRequest(modelDir, sources, options, k => device.CreateBackend(k, options.Threads),
                parseResult.GetValue(output), parseResult.GetValue(grow) ? input.Pruning(parseResult) : null,
                parseResult.GetValue(full) ? null : ModelSaveOptions.DefaultTopTerms);
            var outcome = await TrainingProgressView.RunAsync("updating", progress => UpdateJob.RunAsync(request, progress, ct));

            var r = outcome.Result;
            var invariant = CultureInfo.InvariantCulture;
            long stepsBefore = manifest.Steps;
            double trainingSeconds = Math.Max(outcome.TrainingTime.TotalSeconds, 1e-9);
            Console.WriteLine(string.Create(invariant,
                $"counted {outcome.NewDocuments:N0} new documents ({outcome.NewTokens:N0} tokens, {outcome.NewTerms:N0} new terms) in {outcome.CountingTime.TotalSeconds:F1} s"));
            Console.WriteLine(string.Create(invariant,
                $"updated with {r.TrainingDocuments:N0} documents ({r.HeldOutDocuments:N0} held out), {r.State.CompletedPasses} passes, steps {stepsBefore} → {r.State.Step}, D = {outcome.CorpusDocuments:N0}, in {outcome.TrainingTime.TotalSeconds:F1} s on {r.Backend}: {r.TrainingTokens * (double)r.State.CompletedPasses / trainingSeconds:N0} tokens/s"));
            Console.WriteLine($"wrote {Path.GetFullPath(parseResult.GetValue(output) ?? modelDir)}");
            TrainingSummary.PrintTopicsAndPerplexity(outcome.Snapshot, r, parseResult.GetValue(top));
            return 0;
        }, cancellationToken));
        return command;
    }
}
