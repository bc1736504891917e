using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Text;

namespace TopicEngine;

/// <summary>
/// Everything <see cref="TopicTrainer"/> needs besides the documents: the settings of <c>topic-engine fit</c>,
/// with its defaults. Immutable; change with <c>with</c>.
/// </summary>
public sealed record TopicTrainerOptions
{
    /// <summary>The trainer's settings (<c>--topics</c>, <c>--passes</c>, <c>--batch-size</c>, <c>--kappa</c>, <c>--tau0</c>,
    /// <c>--alpha</c>, <c>--eta</c>, <c>--seed</c>, <c>--threads</c>, ...).</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>How text becomes terms (<c>--language</c>, <c>--stem</c>, <c>--ngrams</c>, <c>--min-length</c>); saved with the
    /// model so that <see cref="TopicModel.Infer(string)"/> analyses new documents the same way.</summary>
    public AnalyzerSettings Analyzer { get; init; } = new();

    /// <summary>Drop terms found in fewer documents than this (<c>--min-df</c>). Default 5.</summary>
    public int MinDf { get; init; } = 5;

    /// <summary>Drop terms found in more than this fraction of documents (<c>--max-df</c>). Default 0.5.</summary>
    public double MaxDf { get; init; } = 0.5;

    /// <summary>Keep at most this many terms, the most frequent (<c>--keep-n</c>). Default 100,000.</summary>
    public int KeepN { get; init; } = 100_000;

    /// <summary>Where training runs (<c>--device</c>): <c>auto</c> (first CUDA, then OpenCL, else the CPU), <c>cuda</c>,
    /// <c>opencl</c> or <c>cpu</c>. Default <c>auto</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Terms per topic written to topics.parquet; null writes every term (<c>--full</c>). Default 50.</summary>
    public int? TopTerms { get; init; } = ModelSaveOptions.DefaultTopTerms;
}

/// <summary>
/// Fits a model from .NET code as <c>topic-engine fit</c> does from the command line: analyse and count the
/// documents, build and prune the vocabulary, train by SVI, run the final local step, and write the model
/// directory (whole or not at all); then load it.
/// <para>Call order: construct with the options; call <see cref="FitAsync"/> or <see cref="FitFilesAsync"/> (each
/// call is an independent fit; a trainer holds no state between calls and may be shared); use the returned
/// <see cref="TopicModel"/> and dispose it.</para>
/// </summary>
public sealed partial class TopicTrainer
{
    /// <summary>Creates a trainer; the options are checked here.</summary>
    /// <param name="options">The settings; null takes the defaults of <c>fit</c>.</param>
    /// <exception cref="TopicEngineException">A setting is out of range; the message names it.</exception>
    public TopicTrainer(TopicTrainerOptions? options = null)
    {
        Options = options ?? new TopicTrainerOptions();
        Options.Training.Validate();
        Options.Analyzer.Validate();
        Pruning.Validate();
        DeviceSelector.Parse(Options.Device);
    }

    /// <summary>The settings every fit of this trainer uses.</summary>
    public TopicTrainerOptions Options { get; }

    private PruningSettings Pruning => new() { MinDf = Options.MinDf, MaxDf = Options.MaxDf, KeepN = Options.KeepN };

    /// <summary>
    /// Fits a model on raw texts and writes it to <paramref name="outputDirectory"/>. The texts are read once,
    /// as they are enumerated (a lazy sequence is not held in memory); document keys in doc_topics.parquet are
    /// their 1-based positions ("1", "2", ...).
    /// </summary>
    /// <param name="texts">The documents' raw texts; none may be null.</param>
    /// <param name="outputDirectory">The model directory to write (new, empty, or an earlier model, replaced only once the new one is complete).</param>
    /// <param name="progress">Receives a report after every global step (optional).</param>
    /// <param name="cancellationToken">Stops the fit; nothing is written then.</param>
    /// <returns>The written model, loaded with the trainer's local-step settings and threads.</returns>
    /// <exception cref="TopicEngineException">Empty corpus, vocabulary pruned to nothing, or another clear error.</exception>
    public Task<TopicModel> FitAsync(IEnumerable<string> texts, string outputDirectory,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return FitSourcesAsync([new TextSequenceSource(texts)], outputDirectory, progress, cancellationToken);
    }

    /// <summary>
    /// Fits a model on input files or folders, as <c>fit --input</c> reads them (format detected from the name: a folder
    /// of text files, JSONL, CSV/TSV, Parquet, UCI or LDA-C; text in the <c>text</c> field), and writes it to
    /// <paramref name="outputDirectory"/>.
    /// </summary>
    /// <param name="inputs">Files or folders.</param>
    /// <param name="outputDirectory">The model directory to write.</param>
    /// <param name="progress">Receives a report after every global step (optional).</param>
    /// <param name="cancellationToken">Stops the fit; nothing is written then.</param>
    /// <returns>The written model, loaded.</returns>
    /// <exception cref="TopicEngineException">A missing input, a record that does not parse (named by file and line), or another clear error.</exception>
    public Task<TopicModel> FitFilesAsync(IEnumerable<string> inputs, string outputDirectory,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return FitSourcesAsync(CorpusSources.Open(inputs.ToList(), CorpusFormat.Auto, new ReaderOptions()), outputDirectory, progress, cancellationToken);
    }

    private async Task<TopicModel> FitSourcesAsync(IReadOnlyList<CorpusSource> sources, string outputDirectory,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var training = Options.Training;
        string full = Path.GetFullPath(outputDirectory);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.corpus-{Guid.NewGuid():N}");
        try
        {
            var preparer = new CorpusPreparer(Options.Analyzer, Pruning, training.Threads);
            var prepared = await preparer.PrepareAsync(sources, temp, null, cancellationToken);
            var corpus = PreparedCorpus.Open(prepared.Directory);
            using var device = DeviceSelector.Select(DeviceSelector.Parse(Options.Device));
            var request = new FitRequest(corpus, corpus.Vocabulary, corpus.ModelAnalyzerSettings, training,
                k => device.CreateBackend(k, training.Threads), full, Options.TopTerms);
            await FitJob.RunAsync(request, progress, cancellationToken);
        }
        finally
        {
            Storage.AtomicFile.TryDeleteDirectory(temp);
        }
        return await TopicModel.LoadAsync(full, new InferenceOptions
        {
            LocalStep = training.LocalStep,
            Threads = training.Threads,
        }, cancellationToken);
    }

    /// <summary>Documents given as strings in memory (or a lazy sequence), keyed by 1-based position.</summary>
    private sealed class TextSequenceSource(IEnumerable<string> texts) : CorpusSource("(documents)", CorpusFormat.Text)
    {
        public override string Description => "documents given to TopicTrainer.FitAsync";

        public override IEnumerable<SourceDocument> Read(ReadReport report)
        {
            long position = 0;
            foreach (var text in texts)
            {
                position++;
                string key = position.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (text is null) throw new TopicEngineException($"document {key} of the sequence given to TopicTrainer.FitAsync is null");
                yield return SourceDocument.FromText(key, "document " + key, text);
            }
        }
    }
}
