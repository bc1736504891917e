using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Storage;
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

    /// <summary>Which terms the vocabulary keeps (<c>--min-df</c>, <c>--max-df</c>, <c>--keep-n</c>); for an update with
    /// <see cref="UpdateOptions.GrowVocabulary"/>, which new terms are added.</summary>
    public PruningSettings Pruning { get; init; } = new();

    /// <summary>Where training runs (<c>--device</c>): <c>auto</c> (first CUDA, then OpenCL, else the CPU), <c>cuda</c>,
    /// <c>opencl</c> or <c>cpu</c>. Default <c>auto</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Terms per topic written to topics.parquet; null writes every term (<c>--full</c>). Default 50.</summary>
    public int? TopTerms { get; init; } = ModelSaveOptions.DefaultTopTerms;

    /// <summary>Terms per topic in a <see cref="TrainingReport"/> (<c>--top</c>). Default 10.</summary>
    public int ReportTerms { get; init; } = TopicModel.DefaultTop;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a setting is out of range.</summary>
    public void Validate()
    {
        Training.Validate();
        Analyzer.Validate();
        Pruning.Validate();
        DeviceSelector.Parse(Device);
        if (TopTerms is < 1) throw new TopicEngineException($"the terms per topic written must be at least 1, not {TopTerms}");
        if (ReportTerms < 1) throw new TopicEngineException($"--top must be at least 1, not {ReportTerms}");
    }
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
        Options.Validate();
    }

    /// <summary>The settings every fit of this trainer uses.</summary>
    public TopicTrainerOptions Options { get; }

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
        return FitAndLoadAsync(new CorpusInput { Sources = [new TextSequenceSource(texts)] }, outputDirectory, progress, cancellationToken);
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
    public async Task<TopicModel> FitFilesAsync(IEnumerable<string> inputs, string outputDirectory,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var input = CorpusInput.FromPaths(inputs);
        if (input.IsEmbeddedDefault) throw new TopicEngineException("no input files given");
        return await FitAndLoadAsync(input, outputDirectory, progress, cancellationToken);
    }

    private async Task<TopicModel> FitAndLoadAsync(CorpusInput input, string outputDirectory, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var report = await FitCorpusAsync(input, outputDirectory, progress: progress, cancellationToken: cancellationToken);
        return await LoadAsync(report.ModelDirectory, cancellationToken);
    }

    /// <summary>
    /// Fits a model on <paramref name="input"/> as <c>topic-engine fit</c> does and writes it to <paramref name="outputDirectory"/>
    /// (whole or not at all): raw input is analysed and pruned first (into a working folder inside the output, removed at
    /// the end), a prepared folder is read as it is; then SVI on <paramref name="device"/>, the final θ pass, and the save.
    /// With <see cref="TrainingOptions.CheckpointEvery"/> the output holds a loadable checkpoint while training;
    /// <paramref name="resumeFrom"/> continues the fit checkpointed there (same corpus and options, λ then equals the
    /// uninterrupted fit's bit for bit).
    /// </summary>
    /// <param name="input">The documents (raw paths, a prepared folder, or the embedded default).</param>
    /// <param name="outputDirectory">The model directory to write.</param>
    /// <param name="device">The device to train on; null opens <see cref="TopicTrainerOptions.Device"/> for this call.</param>
    /// <param name="resumeFrom">A model directory holding a checkpoint of this same fit, or null.</param>
    /// <param name="progress">Receives a report after every global step and every pass.</param>
    /// <param name="cancellationToken">Stops the fit; the output keeps its previous content (or the last checkpoint).</param>
    /// <param name="prepared">Hears what the analysis of raw input produced, before training starts (not called for a
    /// prepared folder).</param>
    /// <exception cref="TopicEngineException">Bad input, an empty corpus, a vocabulary pruned to nothing, a checkpoint of
    /// another fit, or another clear error.</exception>
    public async Task<TrainingReport> FitCorpusAsync(CorpusInput input, string outputDirectory, ComputeDevice? device = null,
        string? resumeFrom = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default,
        Action<CorpusSummary>? prepared = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var training = Options.Training;
        string full = Path.GetFullPath(outputDirectory);
        using var opened = device is null ? ComputeDevice.Open(Options.Device) : null;
        var compute = (device ?? opened)!.Choice;
        // raw input is prepared inside the output folder, so that a killed fit leaves nothing beside it
        using var work = input.PreparedDirectory is null ? WorkFolder.Create(full, "corpus") : null;
        string corpusDirectory = input.PreparedDirectory ?? Path.Combine(work!.Path, "corpus");
        if (input.PreparedDirectory is null)
        {
            var summary = await TopicCorpus.PrepareAsync(input, corpusDirectory,
                new CorpusOptions { Analyzer = Options.Analyzer, Pruning = Options.Pruning, Threads = training.Threads }, null, cancellationToken);
            prepared?.Invoke(summary);
        }
        var corpus = PreparedCorpus.Open(corpusDirectory);
        var request = new FitRequest(corpus, corpus.Vocabulary, corpus.ModelAnalyzerSettings, training,
            k => compute.CreateBackend(k, training.Threads), full, Options.TopTerms, resumeFrom, Record(input, corpus.ModelAnalyzerSettings));
        var outcome = await FitJob.RunAsync(request, progress, cancellationToken);
        return Report(full, outcome.Result, outcome.Snapshot);
    }

    /// <summary>
    /// Folds new documents (and, with <see cref="UpdateOptions.GrowVocabulary"/>, new words) into the saved model in
    /// <paramref name="modelDirectory"/> by continuing online SVI from its λ, α, η and step counter, as
    /// <c>topic-engine update</c> does. Raw text is analysed with the model's own analyzer settings; the model is replaced
    /// atomically when the new one is complete (or written to <see cref="UpdateOptions.OutputDirectory"/>).
    /// </summary>
    /// <exception cref="TopicEngineException">A damaged model, bad input, or input the model cannot read (raw text for a
    /// model fitted on pre-counted input).</exception>
    public async Task<UpdateReport> UpdateAsync(string modelDirectory, CorpusInput newDocuments, UpdateOptions? options = null,
        ComputeDevice? device = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        ArgumentNullException.ThrowIfNull(newDocuments);
        options ??= new UpdateOptions();
        if (newDocuments.PreparedDirectory is not null || newDocuments.IsEmbeddedDefault)
            throw new TopicEngineException("update needs the new documents as --input files or folders");
        var manifest = await ModelDirectory.VerifyAsync(modelDirectory, cancellationToken);
        var training = Options.Training with
        {
            Topics = manifest.Topics, Kappa = manifest.Kappa, Tau0 = manifest.Tau0,
            BatchSize = options.BatchSize ?? (manifest.BatchSize > 0 ? manifest.BatchSize : null),   // null: auto
        };
        training.Validate();
        using var opened = device is null ? ComputeDevice.Open(Options.Device) : null;
        var compute = (device ?? opened)!.Choice;
        var request = new UpdateRequest(modelDirectory, newDocuments.OpenSources(), training, k => compute.CreateBackend(k, training.Threads),
            options.OutputDirectory, options.GrowVocabulary ? Options.Pruning : null, Options.TopTerms);
        var outcome = await UpdateJob.RunAsync(request, progress, cancellationToken);
        var report = Report(Path.GetFullPath(options.OutputDirectory ?? modelDirectory), outcome.Result, outcome.Snapshot);
        return new UpdateReport(report)
        {
            TrainingSeconds = outcome.TrainingTime.TotalSeconds,
            NewDocuments = outcome.NewDocuments, NewTokens = outcome.NewTokens, NewTerms = outcome.NewTerms, CorpusDocuments = outcome.CorpusDocuments,
            StepsBefore = manifest.Steps, CountingTime = outcome.CountingTime, TrainingTime = outcome.TrainingTime, TotalTime = outcome.TotalTime,
            Reading = ReadingSummary.From(outcome.Reading),
        };
    }

    /// <summary>Where the fitted documents came from, for model.json (evaluate reads them again as the coherence reference);
    /// null for documents given in memory.</summary>
    private static TrainingCorpusRecord? Record(CorpusInput input, AnalyzerSettings? analyzer) => input switch
    {
        { PreparedDirectory: { } prepared } => new TrainingCorpusRecord { Prepared = Path.GetFullPath(prepared), Analyzer = analyzer },
        { Sources: not null } => null,
        { IsEmbeddedDefault: true } => new TrainingCorpusRecord { EmbeddedDefault = true, Analyzer = analyzer },
        _ => new TrainingCorpusRecord { Inputs = [.. input.Paths.Select(Path.GetFullPath)], Format = input.Format, Reader = input.Reader, Analyzer = analyzer },
    };

    private TrainingReport Report(string directory, TrainingResult result, ModelSnapshot snapshot)
    {
        var topics = TopTerms.Compute(snapshot.Lambda, snapshot.Topics, snapshot.VocabularySize, Options.ReportTerms)
            .Select((terms, k) => new Topic(k, terms.Select(t => new TopicWord(t.TermId, snapshot.Vocabulary.Term(t.TermId), t.Probability)).ToArray()))
            .ToArray();
        return new TrainingReport
        {
            ModelDirectory = directory, Backend = result.Backend, TrainingDocuments = result.TrainingDocuments,
            HeldOutDocuments = result.HeldOutDocuments, TrainingTokens = result.TrainingTokens, Passes = result.State.CompletedPasses,
            Steps = result.State.Step, TrainingSeconds = result.State.Seconds, HeldOutPerplexity = result.HeldOutPerplexity, Topics = topics,
        };
    }

    private Task<TopicModel> LoadAsync(string directory, CancellationToken cancellationToken) =>
        TopicModel.LoadAsync(directory, new InferenceOptions { LocalStep = Options.Training.LocalStep, Threads = Options.Training.Threads }, cancellationToken);

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
