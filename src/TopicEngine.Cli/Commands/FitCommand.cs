using System.CommandLine;
using System.Globalization;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine fit</c>: trains a model on a corpus (raw input analysed on the fly, a prepared
/// folder, or the embedded default) and writes the model directory. Ends with the top terms of
/// every topic and, as the last line, <c>held-out perplexity: X</c>.
/// </summary>
internal static class FitCommand
{
    internal static Command Create()
    {
        var corpus = new CorpusArgument();
        var training = new TrainingFlags();
        var output = new Option<string>("--out", "-o") { Description = "Model directory to write (required unless --resume)." };
        var checkpoints = new CheckpointFlags();
        var top = new Option<int>("--top") { Description = "Terms per topic to print.", DefaultValueFactory = _ => new TopicTrainerOptions().ReportTerms };
        var full = new Option<bool>("--full") { Description = "Write every term of every topic to topics.parquet (default: top 50)." };
        var command = new Command("fit", "Fit an LDA model by stochastic variational inference and write the model directory.");
        corpus.AddTo(command);
        training.AddTo(command);
        command.Add(output);
        command.Add(top);
        command.Add(full);
        checkpoints.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            var options = checkpoints.Apply(training.Options(parseResult), parseResult);
            string outDir = checkpoints.OutputDirectory(parseResult, output);
            int topTerms = parseResult.GetValue(top);
            var trainer = new TopicTrainer(new TopicTrainerOptions
            {
                Training = options,
                Analyzer = corpus.Input.Analyzer(parseResult),
                Pruning = corpus.Input.Pruning(parseResult),
                TopTerms = parseResult.GetValue(full) ? null : new TopicTrainerOptions().TopTerms,
                ReportTerms = topTerms,
            });
            using var device = training.SelectDevice(parseResult);
            var input = corpus.Resolve(parseResult);
            var r = await TrainingProgressView.RunAsync("training",
                progress => trainer.FitCorpusAsync(input, outDir, device, parseResult.GetValue(checkpoints.Resume), progress, ct,
                    prepared: summary => CorpusArgument.Describe(summary)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trained {r.TrainingDocuments:N0} documents ({r.HeldOutDocuments:N0} held out), {r.Passes} passes, {r.Steps} updates in {r.TrainingSeconds:F1} s on {r.Backend}: {r.TokensPerSecond:N0} tokens/s"));
            Console.WriteLine($"wrote {r.ModelDirectory}");
            TrainingSummary.PrintTopicsAndPerplexity(r, topTerms);
            return 0;
        }, cancellationToken));
        return command;
    }
}
