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
/// one of <see cref="ModelDirectory"/> or <see cref="TopicWordFile"/> (with <see cref="VocabularyFrom"/>), and the
/// held-out documents in <see cref="HeldOut"/>. Immutable; change with <c>with</c>.
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>A model directory to score (<c>--model</c>); its α, vocabulary and analyzer are used.</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>A K×V topic-word matrix to score instead of a model (<c>--topic-word</c>): a <c>.npy</c> file, float32 or
    /// float64, holding λ or probabilities (rows are normalised), e.g. from gensim or scikit-learn.</summary>
    public string? TopicWordFile { get; init; }

    /// <summary>With <see cref="TopicWordFile"/>: the prepared corpus folder whose vocabulary (and analyzer) the matrix's
    /// columns follow (<c>--vocabulary-from</c>).</summary>
    public string? VocabularyFrom { get; init; }

    /// <summary>The held-out documents: raw input (<see cref="CorpusInput.FromPaths"/>, <c>--input</c>), counted against the
    /// vocabulary with the model's analyzer into a temporary folder that is removed afterwards, or a prepared folder
    /// counted with the same vocabulary (<see cref="CorpusInput.FromPrepared"/>, <c>--corpus</c>).</summary>
    public CorpusInput? HeldOut { get; init; }

    /// <summary>A prepared folder with the same vocabulary whose documents give NPMI's co-occurrence counts
    /// (<c>--reference</c>); null takes the held-out documents.</summary>
    public string? ReferenceDirectory { get; init; }

    /// <summary>Top words per topic that NPMI scores (<c>--top</c>). Default 10.</summary>
    public int Top { get; init; } = 10;

    /// <summary>A symmetric document-topic prior α for inferring θ (<c>--alpha</c>); null takes the model's α, or 1/K
    /// for a topic-word matrix.</summary>
    public float? Alpha { get; init; }

    /// <summary>CPU threads for counting and inference; 0 means all cores (<c>--threads</c>).</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="TopicEngineException"/> naming the setting when the options are incomplete or out of range.</summary>
    public void Validate()
    {
        if ((ModelDirectory is null) == (TopicWordFile is null))
            throw new TopicEngineException("give exactly one of --model or --topic-word");
        if (TopicWordFile is not null && VocabularyFrom is null)
            throw new TopicEngineException("--topic-word needs --vocabulary-from (the prepared corpus the matrix was fitted on)");
        if (HeldOut is null || HeldOut.IsEmbeddedDefault)
            throw new TopicEngineException("give the held-out documents with --input (raw) or --corpus (prepared)");
        if (Top < 1) throw new TopicEngineException($"Top (--top) must be at least 1, not {Top}");
        if (Alpha is { } alpha && !(alpha > 0 && float.IsFinite(alpha)))
            throw new TopicEngineException($"Alpha (--alpha) must be a positive number, not {alpha}");
        if (Threads < 0) throw new TopicEngineException($"Threads (--threads) must be 0 (all cores) or positive, not {Threads}");
    }
}

/// <summary>The scores of one evaluation (<c>topic-engine evaluate --json</c> prints the same fields).</summary>
/// <param name="Topics">K.</param>
/// <param name="VocabularySize">V.</param>
/// <param name="HeldOutDocuments">Held-out documents with at least one scored token.</param>
/// <param name="HeldOutTokens">Tokens scored: the second halves of the held-out documents.</param>
/// <param name="Perplexity">Document-completion perplexity, exp(−<paramref name="LogLikelihoodPerWord"/>).</param>
/// <param name="LogLikelihoodPerWord">Σ log Σ_k θ_dk β_kw over the scored tokens, divided by their number (natural log).</param>
/// <param name="Npmi">Mean NPMI coherence of the topics' top <paramref name="NpmiTop"/> words, in [−1, 1].</param>
/// <param name="NpmiPerTopic">Each topic's NPMI (mean over its pairs of top words), in topic order.</param>
/// <param name="NpmiTop">Top words per topic NPMI scored.</param>
/// <param name="Diversity">Fraction of distinct terms among all topics' top <paramref name="DiversityTop"/> words.</param>
/// <param name="DiversityTop">Top words per topic diversity counted (<see cref="TopicEvaluator.DiversityTop"/>).</param>
public sealed record EvaluationResult(int Topics, int VocabularySize, int HeldOutDocuments, long HeldOutTokens, double Perplexity,
    double LogLikelihoodPerWord, double Npmi, IReadOnlyList<double> NpmiPerTopic, int NpmiTop, double Diversity, int DiversityTop);

/// <summary>
/// Scores a model, or any tool's topic-word matrix, on held-out documents with one evaluator: document-completion
/// perplexity (Wallach et al. 2009: θ inferred from every document's even token positions, the odd ones scored),
/// NPMI coherence of the top words and topic diversity. This is how benchmarks/ compares TopicEngine with its peers:
/// a matrix exported from gensim or scikit-learn is scored exactly like a TopicEngine model.
/// <para>Call order: build <see cref="EvaluationOptions"/>, call <see cref="EvaluateAsync"/>; each call is independent and
/// holds nothing afterwards.</para>
/// </summary>
public static class TopicEvaluator
{
    /// <summary>Top words per topic that diversity counts (the convention of Dieng et al. 2020).</summary>
    public const int DiversityTop = 25;

    /// <summary>Loads the topics, counts or opens the held-out documents, and scores them.</summary>
    /// <param name="options">What to score and on which documents.</param>
    /// <param name="cancellationToken">Stops reading and counting.</param>
    /// <returns>Perplexity, NPMI and diversity.</returns>
    /// <exception cref="TopicEngineException">Incomplete options, a missing or damaged model, matrix or folder, a prepared
    /// folder whose vocabulary differs from the topics', or a matrix whose columns do not match the vocabulary.</exception>
    public static async Task<EvaluationResult> EvaluateAsync(EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var topics = await LoadTopicsAsync(options, cancellationToken);
        int k = topics.Topics, v = topics.Vocabulary.Count;
        var heldOutInput = options.HeldOut!;
        // raw held-out documents are counted against the vocabulary into a temporary corpus.bin (bounded memory)
        string working = Path.Combine(Path.GetTempPath(), $"topic-engine-evaluate-{Guid.NewGuid():N}");
        try
        {
            IBatchSource heldOut;
            if (heldOutInput.PreparedDirectory is { } preparedDirectory)
                heldOut = OpenWithVocabulary(preparedDirectory, topics.Vocabulary);
            else
                heldOut = NewDocumentCorpus.Count(heldOutInput.OpenSources(), topics.Vocabulary, topics.Analyzer, working, grow: null,
                    options.Threads, cancellationToken);
            var reference = options.ReferenceDirectory is { } referenceDirectory
                ? OpenWithVocabulary(referenceDirectory, topics.Vocabulary)
                : heldOut;

            float[] alpha = options.Alpha is { } a ? Enumerable.Repeat(a, k).ToArray()
                : topics.Alpha ?? Enumerable.Repeat(1f / k, k).ToArray();
            using var backend = new CpuBackend(k, options.Threads);
            var completion = DocumentCompletion.Evaluate(topics.TopicWord, k, v, heldOut, alpha, backend);
            int n = options.Top;
            var ranked = TopicCoherence.TopTerms(topics.TopicWord, k, v, Math.Max(n, DiversityTop));   // best first
            var npmi = TopicCoherence.Npmi([.. ranked.Select(t => t[..Math.Min(n, t.Length)])], reference);
            double diversity = TopicCoherence.Diversity([.. ranked.Select(t => t[..Math.Min(DiversityTop, t.Length)])]);
            return new EvaluationResult(k, v, completion.Documents, completion.HeldOutTokens, completion.Perplexity,
                completion.LogLikelihoodPerWord, npmi.Mean, npmi.PerTopic, n, diversity, DiversityTop);
        }
        finally
        {
            AtomicFile.TryDeleteDirectory(working);
        }
    }

    /// <summary>The topics to score: a K×V topic-major matrix, with its vocabulary, analyzer (null: pre-counted) and α (null when unknown).</summary>
    private sealed record LoadedTopics(float[] TopicWord, int Topics, Vocabulary Vocabulary, AnalyzerSettings? Analyzer, float[]? Alpha);

    private static async Task<LoadedTopics> LoadTopicsAsync(EvaluationOptions options, CancellationToken cancellationToken)
    {
        if (options.ModelDirectory is { } modelDirectory)
        {
            var snapshot = await ModelDirectory.LoadAsync(modelDirectory, cancellationToken);
            // E[β] = λ / Σ_w λ, K×V topic-major
            return new LoadedTopics(LdaMath.ExpectedTopicWord(snapshot.Lambda, snapshot.VocabularySize, snapshot.Topics), snapshot.Topics,
                snapshot.Vocabulary, snapshot.ReadAnalyzer(modelDirectory), snapshot.Alpha);
        }
        string path = options.TopicWordFile!, vocabularyFrom = options.VocabularyFrom!;
        var (values, rows, columns) = NpyFile.ReadMatrix(path);
        var corpus = PreparedCorpus.Open(vocabularyFrom);
        if (columns != corpus.VocabularySize)
            throw new TopicEngineException($"{path}: {columns} columns, but the vocabulary of {vocabularyFrom} has {corpus.VocabularySize} terms");
        return new LoadedTopics(values, rows, corpus.Vocabulary, corpus.ModelAnalyzerSettings, null);
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
