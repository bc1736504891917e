using System.CommandLine;
using System.Globalization;
using TopicEngine.Model;

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
        var top = new Option<int>("--top") { Description = "Terms per topic to print.", DefaultValueFactory = _ => 10 };
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
            using var device = training.SelectDevice(parseResult);
            using var opened = await corpus.OpenAsync(parseResult, outDir, ct);
            var prepared = opened.Corpus;
            var request = new FitRequest(prepared, prepared.Vocabulary, prepared.ModelAnalyzerSettings, options,
                k => device.CreateBackend(k, options.Threads), outDir, parseResult.GetValue(full) ? null : ModelSaveOptions.DefaultTopTerms,
                parseResult.GetValue(checkpoints.Resume));
            var outcome = await TrainingProgressView.RunAsync("training", progress => FitJob.RunAsync(request, progress, ct));

            var r = outcome.Result;
            double tokensPerSecond = r.TrainingTokens * (double)r.State.CompletedPasses / Math.Max(r.State.Seconds, 1e-9);
            var invariant = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(invariant,
                $"trained {r.TrainingDocuments:N0} documents ({r.HeldOutDocuments:N0} held out), {r.State.CompletedPasses} passes, {r.State.Step} updates in {r.State.Seconds:F1} s on {r.Backend}: {tokensPerSecond:N0} tokens/s"));
            Console.WriteLine($"wrote {Path.GetFullPath(outDir)}");
            TrainingSummary.PrintTopicsAndPerplexity(outcome.Snapshot, r, parseResult.GetValue(top));
            return 0;
        }, cancellationToken));
        return command;
    }
}
