using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TopicEngine.Synthetic;

namespace TopicEngine.Cli.Commands;

/// <summary><c>topic-engine generate</c>: draws a corpus from LDA's generative process and writes it as UCI bag-of-words plus the truth in Parquet.</summary>
internal static class GenerateCommand
{
    private static readonly SyntheticLdaOptions Defaults = new();

    internal static Command Create()
    {
        var docs = new Option<int>("--docs") { Description = "Number of documents D.", DefaultValueFactory = _ => Defaults.Documents };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size V.", DefaultValueFactory = _ => Defaults.VocabularySize };
        var topics = new Option<int>("--topics") { Description = "Number of topics K.", DefaultValueFactory = _ => Defaults.Topics };
        var length = new Option<double>("--doc-length") { Description = "Mean document length L in tokens (lengths ~ Poisson(L)).", DefaultValueFactory = _ => Defaults.DocumentLength };
        var seed = new Option<long>("--seed") { Description = "Random seed: the same seed gives the same files.", DefaultValueFactory = _ => Defaults.Seed };
        var alpha = new Option<double>("--alpha") { Description = "Symmetric document-topic concentration α.", DefaultValueFactory = _ => Defaults.Alpha };
        var eta = new Option<double>("--eta") { Description = "Topic-word concentration η per word (β_k ~ Dirichlet(η·V·zipf)).", DefaultValueFactory = _ => Defaults.Eta };
        var zipf = new Option<double>("--zipf") { Description = "Exponent of the Zipf base measure over term ids (0 = uniform).", DefaultValueFactory = _ => Defaults.ZipfExponent };
        var output = new Option<string>("--out") { Description = "Output directory (created; replaced only once complete).", Required = true };

        var command = new Command("generate",
            "Draw a synthetic corpus from LDA's generative process: docword.synthetic.txt and vocab.synthetic.txt (UCI), "
            + $"true_topics.parquet (β entries ≥ {SyntheticCorpusWriter.TopicProbabilityThreshold:g}) and true_doc_topics.parquet (θ).")
        {
            docs, vocab, topics, length, seed, alpha, eta, zipf, output,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            var options = new SyntheticLdaOptions
            {
                Documents = parseResult.GetValue(docs),
                VocabularySize = parseResult.GetValue(vocab),
                Topics = parseResult.GetValue(topics),
                DocumentLength = parseResult.GetValue(length),
                Seed = parseResult.GetValue(seed),
                Alpha = parseResult.GetValue(alpha),
                Eta = parseResult.GetValue(eta),
                ZipfExponent = parseResult.GetValue(zipf),
            };
            options.Validate();
            string outDirectory = parseResult.GetValue(output)!;
            SyntheticSummary summary;
            if (Terminal.IsInteractive)
            {
                summary = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask("generating", maxValue: options.Documents);
                        var progress = new SynchronousProgress<SyntheticProgress>(p =>
                        {
                            task.Value = p.Documents;
                            task.Description = string.Create(CultureInfo.InvariantCulture,
                                $"generating {p.Documents:N0}/{p.TotalDocuments:N0} docs, {p.Tokens / Math.Max(p.Elapsed.TotalSeconds, 1e-9):N0} tokens/s");
                        });
                        return await SyntheticCorpusWriter.WriteAsync(options, outDirectory, progress, ct);
                    });
            }
            else
            {
                var lastLog = TimeSpan.Zero;
                var progress = new SynchronousProgress<SyntheticProgress>(p =>
                {
                    if (p.Documents < p.TotalDocuments && p.Elapsed - lastLog < TimeSpan.FromSeconds(5)) return;
                    lastLog = p.Elapsed;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"generated {p.Documents}/{p.TotalDocuments} documents, {p.Tokens} tokens, {p.Elapsed.TotalSeconds:F1} s"));
                });
                summary = await SyntheticCorpusWriter.WriteAsync(options, outDirectory, progress, ct);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"documents: {summary.Documents}, tokens: {summary.Tokens}, non-zeros: {summary.NonZeros}, seconds: {summary.Elapsed.TotalSeconds:F1}"));
            Console.WriteLine($"wrote {Path.GetFullPath(outDirectory)}");
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool and can reorder).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
