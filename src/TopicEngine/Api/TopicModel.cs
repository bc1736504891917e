using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Text.Json;
using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Text;

namespace TopicEngine;

/// <summary>
/// A fitted LDA model loaded from its directory, ready to infer the topic mixture of new documents
/// (the .NET API for indexing jobs).
/// <para>Call order: <see cref="Load"/> (or <see cref="LoadAsync"/>) once; then any number of
/// <see cref="Infer(string)"/>, <see cref="Infer(IEnumerable{string})"/> and <see cref="Topics"/> calls, from
/// any number of threads at once; then <see cref="Dispose"/> when no call is running any more.</para>
/// <para>Thread safety: after loading nothing in the model changes. Every inference call takes its scratch
/// (term counts, the local step's buffers) from a pool and gives it back, so concurrent callers share no
/// mutable state, and a document gets the same θ bit for bit whichever thread infers it and however many
/// run at once.</para>
/// <para>Inference: the text goes through the model's own analyzer (the settings in model.json), terms the
/// vocabulary lacks are dropped and counted in <see cref="TopicMixture.UnknownTokens"/>, and the CPU local step
/// runs against the model's expElogβ (computed once at load) exactly as the final step of <c>fit</c> did, so a
/// training document gets the θ that doc_topics.parquet holds for it. The model is never changed.</para>
/// </summary>
public sealed class TopicModel : IDisposable
{
    private readonly CpuBackend _backend;       // holds λ and expElogβ (V×K, term-major), set once
    private readonly LocalStepRunner _runner;
    private readonly TextAnalyzer _analyzer;
    private readonly Vocabulary _vocabulary;
    private readonly float[] _alpha;
    private readonly LocalStepOptions _localOptions;
    private readonly ConcurrentBag<InferScratch> _scratch = new();
    private int _disposed;

    private TopicModel(string directory, ModelSnapshot snapshot, InferenceOptions options)
    {
        Directory = directory;
        Options = options;
        _vocabulary = snapshot.Vocabulary;
        _alpha = snapshot.Alpha.ToArray();
        _localOptions = options.LocalStep;
        var recorded = snapshot.ReadAnalyzer();
        FittedOnPreCountedInput = recorded is null;
        Analyzer = recorded ?? new AnalyzerSettings();
        _analyzer = new TextAnalyzer(Analyzer);
        _backend = new CpuBackend(snapshot.Topics, options.Threads);
        _backend.SetLambda(snapshot.Lambda, snapshot.VocabularySize);
        _runner = new LocalStepRunner(_backend, _localOptions);
        Alpha = new ReadOnlyCollection<float>(_alpha.ToArray());
        Created = snapshot.Created;
        Updated = snapshot.Updated;
        Steps = snapshot.Steps;
        VocabularyHash = _vocabulary.Fingerprint();
    }

    /// <summary>
    /// Loads and verifies the model directory <paramref name="directory"/> (written by <c>topic-engine fit</c> or
    /// <see cref="TopicTrainer"/>): model.json's format version and the size and SHA-256 of every file it lists,
    /// then λ, α and the vocabulary; computes expElogβ once. Call it once and share the model.
    /// </summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="options">Local-step settings; null takes the defaults (those of <c>fit</c>).</param>
    /// <exception cref="TopicEngineException">The directory is missing, incomplete, of another format version or
    /// damaged; the message names the file.</exception>
    public static TopicModel Load(string directory, InferenceOptions? options = null) =>
        Task.Run(() => LoadAsync(directory, options)).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Load"/>.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="options">Local-step settings; null takes the defaults (those of <c>fit</c>).</param>
    /// <param name="cancellationToken">Stops reading the files.</param>
    /// <exception cref="TopicEngineException">As <see cref="Load"/>.</exception>
    public static async Task<TopicModel> LoadAsync(string directory, InferenceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new InferenceOptions();
        options.Validate();
        var snapshot = await ModelDirectory.LoadAsync(directory, cancellationToken);
        return new TopicModel(Path.GetFullPath(directory), snapshot, options);
    }

    /// <summary>
    /// Checks the model directory <paramref name="directory"/> without loading λ: model.json's format version and the size
    /// and SHA-256 of every file it lists. Cheaper than <see cref="Load"/> when only the integrity matters (e.g. before
    /// choosing a device for an update).
    /// </summary>
    /// <exception cref="TopicEngineException">The directory is missing, incomplete, of another format version or damaged;
    /// the message names the file.</exception>
    public static async Task VerifyAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        await ModelDirectory.VerifyAsync(directory, cancellationToken);
    }

    /// <summary>Documents analysed and inferred together by <see cref="InferToFileAsync"/> (<c>infer --batch-size</c>): 1024.</summary>
    public const int DefaultBatchSize = ThetaPass.DefaultBatchSize;

    /// <summary>Terms per topic <see cref="Topics"/> returns by default (<c>topics --top</c>, <c>fit --top</c>): 10.</summary>
    public const int DefaultTop = 10;

    /// <summary>The directory the model was loaded from (full path).</summary>
    public string Directory { get; }

    /// <summary>The local-step settings inference uses.</summary>
    public InferenceOptions Options { get; }

    /// <summary>When the model was first fitted (model.json <c>created</c>).</summary>
    public DateTimeOffset Created { get; }

    /// <summary>When this version of the model was written (model.json <c>updated</c>): a fit, an update or a checkpoint.
    /// Together with the directory it names the version a loaded model answers from.</summary>
    public DateTimeOffset Updated { get; }

    /// <summary>The hash of the model's vocabulary (model.json <c>vocabulary_hash</c>): with <see cref="Created"/> and
    /// <see cref="Updated"/> it identifies the model version (the stamp <see cref="TopicEnricher"/> writes).</summary>
    public string VocabularyHash { get; }

    /// <summary>Global steps the model has taken, t (fit and updates together).</summary>
    public long Steps { get; }

    /// <summary>Number of topics K (the length of every θ).</summary>
    public int TopicCount => _alpha.Length;

    /// <summary>Number of terms V the model knows.</summary>
    public int VocabularySize => _vocabulary.Count;

    /// <summary>The model's terms, indexed by term id.</summary>
    public IReadOnlyList<string> Terms => _vocabulary.Terms;

    /// <summary>The document-topic prior α (K values): the θ of a document without known words is α / Σα.</summary>
    public IReadOnlyList<float> Alpha { get; }

    /// <summary>How text is turned into terms: the settings the model was trained with (defaults for a model fitted
    /// on pre-counted input, which records none).</summary>
    public AnalyzerSettings Analyzer { get; }

    /// <summary>True when the model was fitted on pre-counted input (UCI, LDA-C) and so records no analyzer settings: raw text
    /// is then analysed with the defaults, which may not match the other tool's tokenizer.</summary>
    public bool FittedOnPreCountedInput { get; }

    /// <summary>
    /// Infers the topic mixture of every document of <paramref name="input"/> and writes them, one row per document with the
    /// columns of doc_topics.parquet (<c>doc_key</c>, <c>topic_id</c>, <c>probability</c>, <c>theta</c>, <c>gamma</c>,
    /// <c>entropy</c>, <c>token_count</c>), to the Parquet file <paramref name="outputPath"/>, atomically (<c>topic-engine infer</c>).
    /// Documents stream through the model's analyzer in batches of <paramref name="batchSize"/> while the previous batch is
    /// inferred; pre-counted input (UCI, LDA-C) maps by term name. The model is not changed.
    /// </summary>
    /// <param name="input">The new documents (raw paths; not a prepared folder, not the embedded default).</param>
    /// <param name="outputPath">The .parquet file to write.</param>
    /// <param name="device">Where the local step runs; null: this model's CPU backend (<see cref="InferenceOptions.Threads"/>).</param>
    /// <param name="batchSize">Documents analysed and inferred together.</param>
    /// <param name="cancellationToken">Stops; nothing is written then.</param>
    /// <exception cref="TopicEngineException">No input, bad input, or an output path that is a folder.</exception>
    public async Task<InferenceReport> InferToFileAsync(CorpusInput input, string outputPath, ComputeDevice? device = null,
        int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputPath);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (input.IsEmbeddedDefault || input.PreparedDirectory is not null) throw new TopicEngineException("infer needs --input (the new documents)");
        var sources = input.OpenSources();
        string? warning = FittedOnPreCountedInput && sources.Any(s => s.Format is not (CorpusFormat.Uci or CorpusFormat.Ldac))
            ? "the model was fitted on pre-counted input and records no analyzer settings; text is analysed with the defaults" : null;
        ILdaBackend? deviceBackend = null;
        try
        {
            var runner = _runner;
            if (device is not null && device.Kind != "cpu")
            {
                deviceBackend = device.Choice.CreateBackend(TopicCount, Options.Threads);
                deviceBackend.SetLambda(_backend.Lambda, VocabularySize);
                runner = new LocalStepRunner(deviceBackend, _localOptions);
            }
            var request = new InferRequest(_vocabulary, _alpha, Analyzer, sources, outputPath, runner, batchSize, Options.Threads, Options.CredibleLevel);
            var r = await InferJob.RunAsync(request, cancellationToken);
            return new InferenceReport(r.Documents, r.Tokens, r.UnknownTokens, r.Reading.Skipped, r.Backend, r.Elapsed, Path.GetFullPath(outputPath))
            {
                Warning = warning,
                Reading = ReadingSummary.From(r.Reading),
            };
        }
        finally
        {
            deviceBackend?.Dispose();
        }
    }

    /// <summary>
    /// The topic mixture of one document. Thread-safe; allocation-light (the analysis and the local step use pooled
    /// scratch; the result's θ and γ are the only arrays allocated); the same text always gives the same result.
    /// </summary>
    /// <param name="text">The document's raw text (analysed with <see cref="Analyzer"/>). Empty text is allowed.</param>
    /// <returns>θ, γ, the dominant topic, the entropy and the known and unknown token counts.</returns>
    public TopicMixture Infer(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Infer(text, capture: null);
    }

    /// <summary>As <see cref="Infer(string)"/>; with <paramref name="capture"/>, the analysed tokens are kept there too (to index
    /// the text without analysing it again).</summary>
    internal TopicMixture Infer(string text, CapturedTokens? capture)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var scratch = _scratch.TryTake(out var s) ? s : new InferScratch(_vocabulary);
        try
        {
            var counter = scratch.Counter;
            counter.Clear();
            if (capture is null) _analyzer.Analyze(text, counter);
            else _analyzer.Analyze(text, counter, capture);
            int n = counter.DistinctKnown;
            scratch.EnsureCapacity(n);
            counter.CopyKnown(scratch.Ids.AsSpan(0, n), scratch.IntCounts.AsSpan(0, n));
            for (int i = 0; i < n; i++) scratch.Counts[i] = scratch.IntCounts[i];
            var gamma = new float[_alpha.Length];
            _runner.Document(scratch.Ids.AsSpan(0, n), scratch.Counts.AsSpan(0, n), _alpha, gamma);
            return new TopicMixture(gamma, counter.Tokens - counter.UnknownTokens, counter.UnknownTokens, Options.CredibleLevel);
        }
        finally
        {
            _scratch.Add(scratch);
        }
    }

    /// <summary>
    /// The topic mixtures of many documents, in input order, spread over <see cref="InferenceOptions.Threads"/>
    /// threads (all cores by default). Each result equals what <see cref="Infer(string)"/> gives for that text.
    /// Thread-safe. The results are held in memory: for a stream larger than memory, call it chunk by chunk.
    /// </summary>
    /// <param name="texts">The documents' raw texts; none may be null.</param>
    /// <returns>One mixture per text, in the same order.</returns>
    public IReadOnlyList<TopicMixture> Infer(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var list = texts as IReadOnlyList<string> ?? texts.ToList();
        for (int i = 0; i < list.Count; i++)
            if (list[i] is null) throw new ArgumentException($"text {i} is null.", nameof(texts));
        var results = new TopicMixture[list.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.Threads > 0 ? Options.Threads : Environment.ProcessorCount };
        Parallel.ForEach(Partitioner.Create(0, list.Count, Math.Max(1, Math.Min(64, list.Count / (4 * parallel.MaxDegreeOfParallelism) + 1))),
            parallel, range =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                    results[i] = Infer(list[i]);
            });
        return results;
    }

    /// <summary>
    /// Every topic with its <paramref name="top"/> most probable terms, by E[β_kw] = λ_kw / Σ_w λ_kw (the ranking
    /// and probabilities of topics.parquet). Thread-safe. Costs O(V·K·log top); cache the result if you call it often.
    /// </summary>
    /// <param name="top">Terms per topic, at least 1 (at most V are returned).</param>
    /// <returns>K topics in id order.</returns>
    public IReadOnlyList<Topic> Topics(int top = DefaultTop)
    {
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), "top must be at least 1.");
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var topics = TopTerms.Compute(_backend.Lambda, TopicCount, VocabularySize, top);
        return topics.Select((terms, k) => new Topic(k,
            terms.Select(t => new TopicWord(t.TermId, _vocabulary.Term(t.TermId), t.Probability)).ToArray())).ToArray();
    }

    /// <summary>Releases λ and the analyzer. Call it once no inference is running; later calls throw
    /// <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _backend.Dispose();
        _analyzer.Dispose();
        _scratch.Clear();
    }

    /// <summary>One caller's buffers: the term counter and the document's ids and counts.</summary>
    private sealed class InferScratch(Vocabulary vocabulary)
    {
        public TermCounter Counter { get; } = new(vocabulary, collectUnknown: false);
        public int[] Ids { get; private set; } = new int[256];
        public int[] IntCounts { get; private set; } = new int[256];
        public float[] Counts { get; private set; } = new float[256];

        public void EnsureCapacity(int terms)
        {
            if (Ids.Length >= terms) return;
            int size = Math.Max(terms, Ids.Length * 2);
            Ids = new int[size];
            IntCounts = new int[size];
            Counts = new float[size];
        }
    }
}
