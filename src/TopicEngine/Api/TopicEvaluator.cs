using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine;

/// <summary>
/// What <see cref="TopicEvaluator.EvaluateAsync"/> scores and on what (<c>topic-engine evaluate</c>'s flags). Give exactly
/// one of <see cref="ModelDirectory"/> or <see cref="TopicWordFile"/> (with <see cref="VocabularyFrom"/>); held-out documents
/// in <see cref="HeldOut"/> for perplexity. Immutable; change with <c>with</c>.
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>A model directory to score (<c>--model</c>); its α, vocabulary, analyzer and training corpus are used.</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>A K×V topic-word matrix to score instead of a model (<c>--topic-word</c>): a <c>.npy</c> file (float32 or
    /// float64, C or Fortran order) holding λ or probabilities, or a Parquet or CSV/TSV table with the columns
    /// <c>topic_id, term, weight</c> (a term a topic does not list has weight 0); rows are normalised. E.g. from gensim or
    /// scikit-learn.</summary>
    public string? TopicWordFile { get; init; }

    /// <summary>With <see cref="TopicWordFile"/>: the prepared corpus folder or model directory whose vocabulary (and
    /// analyzer) the matrix's columns follow (<c>--vocabulary-from</c>); it is also the default coherence reference.</summary>
    public string? VocabularyFrom { get; init; }

    /// <summary>The held-out documents for perplexity: raw input (<see cref="CorpusInput.FromPaths"/>, <c>--input</c>), counted
    /// against the vocabulary with the model's analyzer into a temporary folder that is removed afterwards, or a prepared
    /// folder counted with the same vocabulary (<see cref="CorpusInput.FromPrepared"/>, <c>--corpus</c>). Null: no
    /// perplexity (coherence and diversity only).</summary>
    public CorpusInput? HeldOut { get; init; }

    /// <summary>The reference corpus for coherence (<c>--reference</c>): raw input (read with the model's analyzer; word
    /// order kept, so NPMI and C_V use sliding windows) or a prepared folder (bag of words: every measure counts document
    /// co-occurrence). Null: the corpus the model was fitted on (model.json's <c>training_corpus</c>) while it is still
    /// there, else the held-out documents; <see cref="EvaluationResult.Reference"/> says which was used.</summary>
    public CorpusInput? Reference { get; init; }

    /// <summary>A prepared reference folder (the same as <see cref="Reference"/> = <see cref="CorpusInput.FromPrepared"/>).</summary>
    public string? ReferenceDirectory { get; init; }

    /// <summary>Top words per topic that UMass, NPMI and C_V score (<c>--top</c>). Default 10, as Röder et al. 2015 (gensim's
    /// <c>CoherenceModel</c> defaults to topn=20).</summary>
    public int Top { get; init; } = 10;

    /// <summary>A symmetric document-topic prior α for inferring θ (<c>--alpha</c>); null takes the model's α, or 1/K
    /// for a topic-word matrix.</summary>
    public float? Alpha { get; init; }

    /// <summary>CPU threads for counting and inference; 0 means all cores (<c>--threads</c>).</summary>
    public int Threads { get; init; }

    /// <summary>A folder to write <c>evaluation.parquet</c> into (<c>--out</c>); null writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>A file to write the reference corpus's analysed tokens to, one JSON array of strings per document per line
    /// (<c>--export-texts</c>): exactly the texts the sliding windows ran over, for gensim's
    /// <c>CoherenceModel(texts=...)</c>. Only for a raw reference.</summary>
    public string? ExportTextsTo { get; init; }

    /// <summary>Throws <see cref="TopicEngineException"/> naming the setting when the options are incomplete or out of range.</summary>
    public void Validate()
    {
        if ((ModelDirectory is null) == (TopicWordFile is null))
            throw new TopicEngineException("give exactly one of --model or --topic-word");
        if (TopicWordFile is not null && VocabularyFrom is null)
            throw new TopicEngineException("--topic-word needs --vocabulary-from (the prepared corpus or model the matrix's columns follow)");
        if (HeldOut is { IsEmbeddedDefault: true })
            throw new TopicEngineException("give the held-out documents with --input (raw) or --corpus (prepared)");
        if (Reference is not null && ReferenceDirectory is not null)
            throw new TopicEngineException("give the reference corpus once (Reference or ReferenceDirectory)");
        if (Top < 2) throw new TopicEngineException($"Top (--top) must be at least 2 (coherence scores pairs of words), not {Top}");
        if (Alpha is { } alpha && !(alpha > 0 && float.IsFinite(alpha)))
            throw new TopicEngineException($"Alpha (--alpha) must be a positive number, not {alpha}");
        if (Threads < 0) throw new TopicEngineException($"Threads (--threads) must be 0 (all cores) or positive, not {Threads}");
    }
}

/// <summary>Which corpus the coherence of an evaluation was counted on.</summary>
public enum CoherenceReference
{
    /// <summary>The corpus the model was fitted on (model.json's <c>training_corpus</c>, or the <c>--vocabulary-from</c> corpus).</summary>
    TrainingCorpus,

    /// <summary>The corpus given with <c>--reference</c>.</summary>
    Given,

    /// <summary>The held-out documents (the training corpus is unknown or no longer there).</summary>
    HeldOut,
}

/// <summary>The coherence of one topic (a row of <c>evaluation.parquet</c>).</summary>
/// <param name="TopicId">0..K−1.</param>
/// <param name="TopTerms">The scored top words, most probable first.</param>
/// <param name="UMass">UMass over document co-occurrence (≤ 0; closer to 0 is more coherent).</param>
/// <param name="Npmi">Mean NPMI of the pairs of top words, in [−1, 1].</param>
/// <param name="Cv">C_V, in [0, 1] for usual topics.</param>
/// <param name="MissingTerms">Top words that never occur in the reference (their pairs score NPMI −1; gensim gives ±∞ or NaN).</param>
public sealed record TopicCoherenceScore(int TopicId, IReadOnlyList<string> TopTerms, double UMass, double Npmi, double Cv, int MissingTerms);

/// <summary>The scores of one evaluation (<c>topic-engine evaluate --json</c> prints the same fields).</summary>
/// <param name="Topics">K.</param>
/// <param name="VocabularySize">V.</param>
/// <param name="HeldOutDocuments">Held-out documents with at least one scored token (0 without held-out documents).</param>
/// <param name="HeldOutTokens">Tokens scored: the second halves of the held-out documents.</param>
/// <param name="Perplexity">Document-completion perplexity, exp(−<paramref name="LogLikelihoodPerWord"/>); NaN without held-out
/// documents or when the topic-word table does not give every term's weight.</param>
/// <param name="LogLikelihoodPerWord">Σ log Σ_k θ_dk β_kw over the scored tokens, divided by their number (natural log).</param>
/// <param name="Npmi">Mean NPMI coherence of the topics' top <paramref name="NpmiTop"/> words, in [−1, 1].</param>
/// <param name="NpmiPerTopic">Each topic's NPMI (mean over its pairs of top words), in topic order.</param>
/// <param name="NpmiTop">Top words per topic the coherence measures scored.</param>
/// <param name="Diversity">Fraction of distinct terms among all topics' top <paramref name="DiversityTop"/> words.</param>
/// <param name="DiversityTop">Top words per topic diversity counted (<see cref="TopicEvaluator.DiversityTop"/>).</param>
public sealed record EvaluationResult(int Topics, int VocabularySize, int HeldOutDocuments, long HeldOutTokens, double Perplexity,
    double LogLikelihoodPerWord, double Npmi, IReadOnlyList<double> NpmiPerTopic, int NpmiTop, double Diversity, int DiversityTop)
{
    /// <summary>Mean UMass of the topics (document co-occurrence).</summary>
    public double UMass { get; init; }

    /// <summary>Mean C_V of the topics.</summary>
    public double Cv { get; init; }

    /// <summary>Every topic's top words and scores, in topic order.</summary>
    public IReadOnlyList<TopicCoherenceScore> TopicScores { get; init; } = [];

    /// <summary>Which corpus coherence was counted on.</summary>
    public CoherenceReference ReferenceSource { get; init; }

    /// <summary>The reference corpus in words: what it is, where it is, and how it was counted.</summary>
    public string Reference { get; init; } = "";

    /// <summary>Documents of the reference corpus.</summary>
    public long ReferenceDocuments { get; init; }

    /// <summary>True when NPMI and C_V were counted over sliding windows (10 and 110 tokens, as gensim's <c>c_npmi</c> and
    /// <c>c_v</c>); false when the reference is a bag of words and every measure counts document co-occurrence.</summary>
    public bool SlidingWindows { get; init; }

    /// <summary>Things the user should know about this evaluation (a score that could not be computed, and why).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>
/// Scores a model, or any tool's topic-word matrix, with one evaluator: document-completion perplexity on held-out
/// documents (Wallach et al. 2009: θ inferred from every document's even token positions, the odd ones scored), the
/// coherence of the top words over a reference corpus — UMass, NPMI and C_V, each as gensim's <c>CoherenceModel</c>
/// computes <c>u_mass</c>, <c>c_npmi</c> and <c>c_v</c> (Röder et al. 2015: documents for UMass, boolean sliding windows
/// of 10 and 110 tokens for NPMI and C_V) — and topic diversity. This is how benchmarks/ compares TopicEngine with its
/// peers: a matrix exported from gensim or scikit-learn is scored exactly like a TopicEngine model.
/// <para>Call order: build <see cref="EvaluationOptions"/>, call <see cref="EvaluateAsync"/>; each call is independent and
/// holds nothing afterwards.</para>
/// </summary>
public static class TopicEvaluator
{
    /// <summary>Top words per topic that diversity counts (the convention of Dieng et al. 2020).</summary>
    public const int DiversityTop = 25;

    /// <summary>The file <see cref="EvaluationOptions.OutputDirectory"/> receives.</summary>
    public const string OutputFileName = EvaluationFile.FileName;

    /// <summary>Loads the topics, counts or opens the held-out documents and the reference corpus, and scores them.</summary>
    /// <param name="options">What to score and on which documents.</param>
    /// <param name="cancellationToken">Stops reading and counting.</param>
    /// <returns>Perplexity, coherence and diversity.</returns>
    /// <exception cref="TopicEngineException">Incomplete options, a missing or damaged model, matrix or folder, a prepared
    /// folder whose vocabulary differs from the topics', a matrix whose columns do not match the vocabulary, or no
    /// reference corpus to be found.</exception>
    public static async Task<EvaluationResult> EvaluateAsync(EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var topics = await LoadTopicsAsync(options, cancellationToken);
        int k = topics.Topics, v = topics.Vocabulary.Count;
        var notes = new List<string>(topics.Notes);
        // raw held-out documents are counted against the vocabulary into a temporary corpus.bin (bounded memory)
        string working = Path.Combine(Path.GetTempPath(), $"topic-engine-evaluate-{Guid.NewGuid():N}");
        try
        {
            IBatchSource? heldOut = null;
            if (options.HeldOut is { PreparedDirectory: { } preparedDirectory })
                heldOut = OpenWithVocabulary(preparedDirectory, topics.Vocabulary);
            else if (options.HeldOut is { } raw)
                heldOut = NewDocumentCorpus.Count(raw.OpenSources(), topics.Vocabulary, topics.Analyzer, working, grow: null,
                    options.Threads, cancellationToken);

            DocumentCompletionResult? completion = null;
            if (heldOut is not null && topics.Complete)
            {
                float[] alpha = options.Alpha is { } a ? Enumerable.Repeat(a, k).ToArray()
                    : topics.Alpha ?? Enumerable.Repeat(1f / k, k).ToArray();
                using var backend = new CpuBackend(k, options.Threads);
                completion = DocumentCompletion.Evaluate(topics.TopicWord, k, v, heldOut, alpha, backend);
            }
            else if (heldOut is null) notes.Add("no held-out documents (--input or --corpus): perplexity not computed");

            int n = options.Top;
            var ranked = TopicCoherence.TopTerms(topics.TopicWord, k, v, Math.Max(n, DiversityTop));   // best first
            int[][] top = [.. ranked.Select(t => t[..Math.Min(n, t.Length)])];
            var (counts, source, description) = await CountReferenceAsync(options, topics, top, heldOut, cancellationToken);
            double[] umass = TopicCoherence.UMass(counts.Documents), npmi = TopicCoherence.Npmi(counts.NpmiCounts), cv = TopicCoherence.Cv(counts.CvCounts);
            var scores = Enumerable.Range(0, k).Select(t => new TopicCoherenceScore(t,
                [.. top[t].Select(topics.Vocabulary.Term)], umass[t], npmi[t], cv[t],
                Enumerable.Range(0, top[t].Length).Count(r => counts.Documents.Count(t, r) == 0))).ToArray();
            int missing = scores.Sum(s => s.MissingTerms);
            if (missing > 0)
                notes.Add($"{missing} top words never occur in the reference corpus; their pairs score NPMI −1 (gensim returns ±∞ or NaN for such topics)");
            double diversity = TopicCoherence.Diversity([.. ranked.Select(t => t[..Math.Min(DiversityTop, t.Length)])]);
            var result = new EvaluationResult(k, v, completion?.Documents ?? 0, completion?.HeldOutTokens ?? 0, completion?.Perplexity ?? double.NaN,
                completion?.LogLikelihoodPerWord ?? double.NaN, TopicCoherence.Mean(npmi), npmi, n, diversity, DiversityTop)
            {
                UMass = TopicCoherence.Mean(umass),
                Cv = TopicCoherence.Mean(cv),
                TopicScores = scores,
                ReferenceSource = source,
                Reference = description,
                ReferenceDocuments = counts.Documents.Documents,
                SlidingWindows = counts.SlidingWindows,
                Notes = notes,
            };
            if (options.OutputDirectory is { } output)
            {
                Directory.CreateDirectory(output);
                await EvaluationFile.WriteAsync(Path.Combine(output, EvaluationFile.FileName), result, cancellationToken);
            }
            return result;
        }
        finally
        {
            AtomicFile.TryDeleteDirectory(working);
        }
    }

    /// <summary>The topics to score: a K×V topic-major matrix, with its vocabulary, analyzer (null: pre-counted), α (null when
    /// unknown), where they were fitted (a model's record, or the prepared corpus of <c>--vocabulary-from</c>), whether every
    /// cell of the matrix is known (perplexity needs it), and notes.</summary>
    private sealed record LoadedTopics(float[] TopicWord, int Topics, Vocabulary Vocabulary, AnalyzerSettings? Analyzer, float[]? Alpha,
        TrainingCorpusRecord? TrainingCorpus, bool Complete, IReadOnlyList<string> Notes);

    private static async Task<LoadedTopics> LoadTopicsAsync(EvaluationOptions options, CancellationToken cancellationToken)
    {
        if (options.ModelDirectory is { } modelDirectory)
        {
            var snapshot = await ModelDirectory.LoadAsync(modelDirectory, cancellationToken);
            // E[β] = λ / Σ_w λ, K×V topic-major
            return new LoadedTopics(LdaMath.ExpectedTopicWord(snapshot.Lambda, snapshot.VocabularySize, snapshot.Topics), snapshot.Topics,
                snapshot.Vocabulary, snapshot.ReadAnalyzer(modelDirectory), snapshot.Alpha, TrainingCorpusRecord.FromJson(snapshot.TrainingCorpus), true, []);
        }
        string path = options.TopicWordFile!, vocabularyFrom = options.VocabularyFrom!;
        Vocabulary vocabulary;
        AnalyzerSettings? analyzer;
        TrainingCorpusRecord? fittedOn;
        // A model folder, or a prepared corpus (flat or versioned: its current version holds corpus.json, not model.json).
        string? resolved = VersionedDirectory.TryResolve(vocabularyFrom, ModelManifest.FileName);
        if (resolved is not null && !File.Exists(Path.Combine(resolved, CorpusManifest.FileName)))
        {
            var model = await ModelDirectory.LoadAsync(vocabularyFrom, cancellationToken);
            (vocabulary, analyzer, fittedOn) = (model.Vocabulary, model.ReadAnalyzer(vocabularyFrom), TrainingCorpusRecord.FromJson(model.TrainingCorpus));
        }
        else
        {
            var corpus = PreparedCorpus.Open(vocabularyFrom);
            (vocabulary, analyzer) = (corpus.Vocabulary, corpus.ModelAnalyzerSettings);
            fittedOn = new TrainingCorpusRecord { Prepared = Path.GetFullPath(vocabularyFrom), Analyzer = analyzer };
        }
        if (!File.Exists(path)) throw new TopicEngineException($"{path}: file is missing");
        if (Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var (values, rows, columns) = NpyFile.ReadMatrix(path);
            if (columns != vocabulary.Count)
                throw new TopicEngineException($"{path}: {columns} columns, but the vocabulary of {vocabularyFrom} has {vocabulary.Count} terms");
            return new LoadedTopics(values, rows, vocabulary, analyzer, null, fittedOn, true, []);
        }
        var (table, topics, cells) = await TopicWordTable.ReadAsync(path, vocabulary, cancellationToken);
        bool complete = cells == (long)topics * vocabulary.Count;
        IReadOnlyList<string> notes = complete ? [] :
            [$"{path} gives {cells:N0} of the {topics}×{vocabulary.Count} topic-term weights: perplexity needs them all and is not computed"];
        return new LoadedTopics(table, topics, vocabulary, analyzer, null, fittedOn, complete, notes);
    }

    /// <summary>Counts the reference corpus: the one given, else the training corpus while it is there, else the held-out
    /// documents (see <see cref="EvaluationOptions.Reference"/>).</summary>
    private static async Task<(ReferenceCounts Counts, CoherenceReference Source, string Description)> CountReferenceAsync(
        EvaluationOptions options, LoadedTopics topics, int[][] top, IBatchSource? heldOut, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var given = options.Reference ?? (options.ReferenceDirectory is { } directory ? CorpusInput.FromPrepared(directory) : null);
        if (given is not null)
            return Count(given, CoherenceReference.Given, "--reference", topics.Analyzer);

        string? gone = null;
        if (topics.TrainingCorpus is { } fitted)
        {
            if (fitted.Prepared is { } prepared)
            {
                if (VersionedDirectory.Holds(prepared, CorpusManifest.FileName))
                    return Count(CorpusInput.FromPrepared(prepared), CoherenceReference.TrainingCorpus, "training corpus", topics.Analyzer);
                gone = $"the training corpus {prepared} is no longer there";
            }
            else if (fitted.EmbeddedDefault)
                return Count(CorpusInput.EmbeddedDefault, CoherenceReference.TrainingCorpus, "training corpus", fitted.Analyzer ?? topics.Analyzer);
            else if (fitted.Inputs.Count > 0)
            {
                var absent = fitted.Inputs.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p));
                if (absent is null)
                    return Count(CorpusInput.FromPaths(fitted.Inputs, fitted.Format, fitted.Reader), CoherenceReference.TrainingCorpus,
                        "training corpus", fitted.Analyzer ?? topics.Analyzer);
                gone = $"the training input {absent} is no longer there";
            }
        }
        gone ??= "the model does not record its training corpus";
        if (options.HeldOut is { } test)
        {
            var (counts, _, description) = Count(test, CoherenceReference.HeldOut, "held-out documents", topics.Analyzer);
            return (counts, CoherenceReference.HeldOut, $"{description}; {gone}");
        }
        throw new TopicEngineException($"no reference corpus for coherence: {gone}; give it with --reference, or held-out documents with --input");

        (ReferenceCounts, CoherenceReference, string) Count(CorpusInput input, CoherenceReference source, string label, AnalyzerSettings? analyzer)
        {
            if (input.PreparedDirectory is { } folder)
            {
                var corpus = PreparedCorpus.Open(folder);
                // term ids of another vocabulary: map the top words by name; a word it lacks gets an id no document holds
                int[][] mapped = [.. top.Select(t => t.Select((id, r) => corpus.Vocabulary.TryGetId(topics.Vocabulary.Term(id), out int x) ? x : -1 - id).ToArray())];
                if (options.ExportTextsTo is not null)
                    throw new TopicEngineException($"--export-texts needs a raw reference; {folder} is a prepared corpus (bag of words, no word order)");
                var bag = ReferenceCounts.FromBagOfWords(mapped, corpus);
                return (bag, source, $"{label}: prepared corpus {Path.GetFullPath(folder)} ({bag.Documents.Documents:N0} documents; a bag of words: "
                    + "UMass, NPMI and C_V all count document co-occurrence, no sliding windows — give --reference with the raw files for windows)");
            }
            var sources = input.OpenSources();
            if (analyzer is null && sources.Any(s => s.Format is not (CorpusFormat.Uci or CorpusFormat.Ldac)))
                throw new TopicEngineException($"{sources[0].Path}: the model was fitted on pre-counted input (no analyzer settings), so the coherence reference must be pre-counted too (uci or ldac)");
            using var writer = options.ExportTextsTo is { } export ? new StreamWriter(export) : null;
            var counts = ReferenceCounts.FromText(sources, input.AnalyzerFor(analyzer ?? new AnalyzerSettings()), top, topics.Vocabulary.Term,
                options.Threads, writer, cancellationToken);
            string what = input.IsEmbeddedDefault ? "the embedded default corpus" : string.Join(", ", input.Paths);
            string how = counts.SlidingWindows
                ? $"UMass over documents, NPMI over sliding windows of {ReferenceCounts.NpmiWindow}, C_V over windows of {ReferenceCounts.CvWindow} tokens"
                : "pre-counted, a bag of words: UMass, NPMI and C_V all count document co-occurrence";
            return (counts, source, $"{label}: {what} ({counts.Documents.Documents:N0} documents; {how})");
        }
    }

    /// <summary>Opens a prepared folder and checks that its term ids are the topics' (same terms, same order).</summary>
    private static PreparedCorpus OpenWithVocabulary(string directory, Vocabulary expected)
    {
        var corpus = PreparedCorpus.Open(directory);
        if (corpus.Vocabulary.Count != expected.Count || corpus.Vocabulary.Fingerprint() != expected.Fingerprint())
            throw new TopicEngineException($"{directory}: its vocabulary differs from the model's; count the held-out documents with --input instead");
        return corpus;
    }
}
