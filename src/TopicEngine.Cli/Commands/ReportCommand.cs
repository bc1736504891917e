using System.CommandLine;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine report</c>: one self-contained HTML page about a model (intertopic map, terms by relevance, prevalence,
/// training curve, example documents, coherence), and with <c>--png</c> the training curve as a PNG.
/// </summary>
internal static class ReportCommand
{
    private static readonly ReportOptions Defaults = new();

    internal static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "The model directory.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The HTML file to write.", DefaultValueFactory = _ => "report.html" };
        var input = new CorpusInputOptions();
        var evaluation = new Option<string?>("--evaluation") { Description = $"Per-topic coherence (Parquet with topic_id); default: {ReportOptions.EvaluationFileName} in the model directory, if any." };
        var examples = new Option<int>("--examples") { Description = "Example documents per topic.", DefaultValueFactory = _ => Defaults.ExamplesPerTopic };
        var lambda = new Option<double>("--lambda") { Description = "The relevance slider's starting λ.", DefaultValueFactory = _ => Defaults.Lambda };
        var png = new Option<string?>("--png") { Description = "Also write the training curve as a PNG to this path." };
        var command = new Command("report", "Write one self-contained HTML report of a model (no network needed to view it).");
        foreach (var option in new Option[] { model, output, evaluation, examples, lambda, png })
            command.Add(option);
        input.AddReaderTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            string modelDirectory = parseResult.GetValue(model)!;
            bool hasInput = (parseResult.GetValue(input.Input) ?? []).Length > 0;
            var options = new ReportOptions
            {
                Input = hasInput ? input.Corpus(parseResult) : null,
                EvaluationFile = parseResult.GetValue(evaluation),
                ExamplesPerTopic = parseResult.GetValue(examples),
                Lambda = parseResult.GetValue(lambda),
            };
            string outPath = parseResult.GetValue(output)!;
            int topics = await TopicReport.WriteAsync(modelDirectory, outPath, options, ct);
            Console.WriteLine($"wrote {Path.GetFullPath(outPath)} ({topics} topics{(hasInput ? "" : "; example documents by key only: give --input to show their first words")})");
            if (parseResult.GetValue(png) is { } pngPath)
            {
                var curve = await TrainingCurve.ReadAsync(modelDirectory, ct);
                TrainingCurveChart.Save(curve, pngPath, $"training curve: {Path.GetFileName(Path.GetFullPath(modelDirectory).TrimEnd('/'))}");
                Console.WriteLine($"wrote {Path.GetFullPath(pngPath)}");
            }
            return 0;
        }, cancellationToken));
        return command;
    }
}
