using System.CommandLine;
using System.Globalization;
using TopicEngine.Inference;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine update</c>: folds new documents (and, with <c>--grow-vocab</c>, new words) into a saved model by
/// continuing online SVI from its λ, α, η and step counter (<see cref="TopicTrainer.UpdateAsync"/>). The text is analysed with
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
        var top = new Option<int>("--top") { Description = "Terms per topic to print.", DefaultValueFactory = _ => new TopicTrainerOptions().ReportTerms };
        var full = new Option<bool>("--full") { Description = "Write every term of every topic to topics.parquet (default: top 50)." };
        var input = new CorpusInputOptions();
        input.Input.Required = true;
        var training = new TrainingFlags();
        var command = new Command("update", "Fold new documents (and new words) into a saved model by continuing online SVI.");
        command.Add(model);
        input.AddReaderTo(command);
        command.Add(output);
        command.Add(grow);
        foreach (var option in new Option[] { input.MinDf, input.MaxDf, input.KeepN })
            command.Add(option);
        command.Add(batchSize);
        foreach (var option in new Option[] { training.Passes, training.MaxIterations, training.Tolerance, training.ToleranceByLength, training.Relaxation, training.Holdout, training.Seed, training.Threads, training.EvalEvery, training.Device })
            command.Add(option);
        command.Add(top);
        command.Add(full);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            string modelDir = parseResult.GetValue(model)!;
            await TopicModel.VerifyAsync(modelDir, ct);   // a damaged model fails before the device is opened
            int topTerms = parseResult.GetValue(top);
            var trainer = new TopicTrainer(new TopicTrainerOptions
            {
                // K, κ, τ0, α, η and (by default) the batch size are the model's
                Training = new TrainingOptions
                {
                    Passes = training.PassesValue(parseResult),
                    LocalStep = training.LocalStep(parseResult),
                    HoldoutFraction = parseResult.GetValue(training.Holdout),
                    Seed = parseResult.GetValue(training.Seed),
                    Threads = parseResult.GetValue(training.Threads),
                    EvalEvery = parseResult.GetValue(training.EvalEvery),
                },
                Pruning = input.Pruning(parseResult),
                TopTerms = parseResult.GetValue(full) ? null : new TopicTrainerOptions().TopTerms,
                ReportTerms = topTerms,
            });
            var newDocuments = input.Corpus(parseResult);
            using var device = training.SelectDevice(parseResult);
            var updateOptions = new UpdateOptions
            {
                OutputDirectory = parseResult.GetValue(output),
                BatchSize = parseResult.GetValue(batchSize),
                GrowVocabulary = parseResult.GetValue(grow),
            };
            var r = await TrainingProgressView.RunAsync("updating", progress => trainer.UpdateAsync(modelDir, newDocuments, updateOptions, device, progress, ct));
            var invariant = CultureInfo.InvariantCulture;
            double trainingSeconds = Math.Max(r.TrainingTime.TotalSeconds, 1e-9);
            Console.WriteLine(string.Create(invariant,
                $"counted {r.NewDocuments:N0} new documents ({r.NewTokens:N0} tokens, {r.NewTerms:N0} new terms) in {r.CountingTime.TotalSeconds:F1} s"));
            Console.WriteLine(string.Create(invariant,
                $"updated with {r.TrainingDocuments:N0} documents ({r.HeldOutDocuments:N0} held out), {r.Passes} passes, steps {r.StepsBefore} → {r.Steps}, D = {r.CorpusDocuments:N0}, in {r.TrainingTime.TotalSeconds:F1} s on {r.Backend}: {r.TrainingTokens * (double)r.Passes / trainingSeconds:N0} tokens/s"));
            ReadingLines.Print(r.Reading);
            Console.WriteLine($"wrote {r.ModelDirectory}");
            TrainingSummary.PrintTopicsAndPerplexity(r, topTerms);
            return 0;
        }, cancellationToken));
        return command;
    }
}
