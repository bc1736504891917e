using System.CommandLine;
using System.Globalization;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine sweep</c>: fits every K of <c>--topics</c> with <c>--seeds</c> seeds on one prepared corpus, scores
/// each fit on the same held-out documents, measures topic stability across seeds, recommends a K, and writes
/// sweep.parquet and sweep.png.
/// </summary>
internal static class SweepCommand
{
    private static readonly TopicSweepOptions Defaults = new();

    internal static Command Create()
    {
        var corpus = new CorpusArgument();
        var training = new TrainingFlags();
        var topics = new Option<string>("--topics", "-k") { Description = "The values of K, comma-separated.", DefaultValueFactory = _ => string.Join(',', Defaults.Topics) };
        var seeds = new Option<int>("--seeds") { Description = "Fits per K (seeds --seed, --seed+1, ...).", DefaultValueFactory = _ => Defaults.Seeds };
        var test = new Option<string[]>("--test") { Description = "Separate test documents (raw files or folders); default: hold out --holdout of the corpus once, chosen by --seed.", AllowMultipleArgumentsPerToken = true };
        var stability = new Option<double>("--stability-tolerance") { Description = "Recommendation: keep Ks whose stability is within this of the best.", DefaultValueFactory = _ => Defaults.StabilityTolerance };
        var npmi = new Option<double>("--npmi-tolerance") { Description = "Recommendation: keep Ks whose mean NPMI is within this of the best.", DefaultValueFactory = _ => Defaults.NpmiTolerance };
        var output = new Option<string>("--out", "-o") { Description = "The sweep's folder (sweep.parquet, sweep.png, the models).", Required = true };
        var command = new Command("sweep", "Fit several K with several seeds, score them on the same held-out documents, and recommend a K.");
        corpus.AddTo(command);
        training.AddTo(command, topics: false);
        foreach (var option in new Option[] { topics, seeds, test, stability, npmi, output })
            command.Add(option);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            var trainingOptions = training.Options(parseResult);
            var testPaths = parseResult.GetValue(test) ?? [];
            var options = new TopicSweepOptions
            {
                Trainer = new TopicTrainerOptions
                {
                    Training = trainingOptions,
                    Analyzer = corpus.Input.Analyzer(parseResult),
                    Pruning = corpus.Input.Pruning(parseResult),
                    Device = parseResult.GetValue(training.Device)!,
                },
                Topics = ParseTopics(parseResult.GetValue(topics)!),
                Seeds = parseResult.GetValue(seeds),
                TestFraction = trainingOptions.HoldoutFraction,
                Test = testPaths.Length > 0 ? CorpusInput.FromPaths(testPaths, reader: corpus.Input.Reader(parseResult)) : null,
                StabilityTolerance = parseResult.GetValue(stability),
                NpmiTolerance = parseResult.GetValue(npmi),
            };
            options.Validate();
            string outDir = parseResult.GetValue(output)!;
            using var device = training.SelectDevice(parseResult);
            var input = corpus.Resolve(parseResult);
            var result = await SweepProgressView.RunAsync(trainingOptions.Passes ?? 1,
                progress => TopicSweep.RunAsync(input, outDir, options, device, progress, ct));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Fits.Count} fits: {options.Topics.Count} Ks × {options.Seeds} seeds, {result.TrainingDocuments:N0} training documents, {result.TestDocuments:N0} test documents"));
            SweepTable.Print(result);
            string chart = Path.Combine(Path.GetDirectoryName(result.ParquetPath)!, "sweep.png");
            SweepChart.Save(result, chart);
            Console.WriteLine($"recommended: {result.Reason}");
            Console.WriteLine($"wrote {result.ParquetPath}");
            Console.WriteLine($"wrote {chart}");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static int[] ParseTopics(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
                throw new TopicEngineException($"--topics takes comma-separated numbers, not '{parts[i]}'");
        return values;
    }
}
