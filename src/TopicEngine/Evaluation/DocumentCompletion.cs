using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Evaluation;

/// <summary>The result of a document-completion evaluation.</summary>
/// <param name="Perplexity">exp(−<paramref name="LogLikelihoodPerWord"/>).</param>
/// <param name="LogLikelihoodPerWord">Σ log Σ_k θ_dk β_kw over held-out tokens, divided by their number (natural log).</param>
/// <param name="HeldOutTokens">Tokens scored (the second halves).</param>
/// <param name="Documents">Documents with at least one scored token.</param>
internal sealed record DocumentCompletionResult(double Perplexity, double LogLikelihoodPerWord, long HeldOutTokens, int Documents);

/// <summary>
/// Held-out perplexity by document completion (Wallach et al. 2009, §5.1; DESIGN.md): every held-out
/// document's tokens are laid out in its stored term order (term i repeated n_i times) and split
/// alternately, even positions observed, odd positions held out. θ_d is inferred from the observed half
/// by the backend's local step; the held-out half is scored with
/// perplexity = exp(−Σ_d Σ_{w ∈ held-out half} log Σ_k θ_dk β_kw / N), θ_d = γ_d / Σγ_d, β = the topic-word matrix.
/// <para>The same path scores any model: <see cref="Evaluate"/> takes a K×V topic-word matrix (rows are
/// normalised here), so topics exported from gensim or scikit-learn are scored exactly like ours.
/// For the local step the backend is given λ = C·β with C = 1e15, so that expElogβ = exp(ψ(Cβ) − ψ(C)) = β
/// to float precision: θ is inferred against the point estimate β, for every tool alike.</para>
/// </summary>
internal static class DocumentCompletion
{
    /// <summary>Scale that turns a normalised β into a λ whose expElogβ equals β (ψ(x) = ln x − 1/(2x) + …).</summary>
    private const double PointEstimateScale = 1e15;

    /// <summary>Smallest β entry handed to the backend (an exact 0 would make ψ(0) = −∞).</summary>
    private const double BetaFloor = 1e-30;

    /// <summary>
    /// Scores <paramref name="heldOut"/> against a topic-word matrix. <paramref name="topicWord"/>: K×V,
    /// topic-major, non-negative (λ-like rows are normalised; rows summing to 1 are used as they are).
    /// <paramref name="backend"/> must have K topics; its λ is replaced. Without <paramref name="options"/> θ is inferred
    /// with the plain local step (<see cref="LocalStepOptions.Plain"/>): the evaluator's numbers stay comparable between
    /// versions and between tools, whatever the training default.
    /// </summary>
    public static DocumentCompletionResult Evaluate(ReadOnlySpan<float> topicWord, int topics, int vocabularySize,
        IBatchSource heldOut, ReadOnlySpan<float> alpha, ILdaBackend backend, LocalStepOptions? options = null, int batchSize = ThetaPass.DefaultBatchSize)
    {
        if (topics <= 0 || vocabularySize <= 0 || topicWord.Length != (long)topics * vocabularySize)
            throw new ArgumentException("topicWord must be K×V.", nameof(topicWord));
        if (backend.Topics != topics) throw new ArgumentException("backend must have K topics.", nameof(backend));
        if (alpha.Length != topics) throw new ArgumentException("alpha must have K entries.", nameof(alpha));
        if (heldOut.VocabularySize > vocabularySize)
            throw new TopicEngineException($"the held-out corpus has {heldOut.VocabularySize} terms but the topic-word matrix only {vocabularySize}: use the model's vocabulary for the held-out documents.");

        // β: K×V normalised (double row sums); λ: V×K term-major, C·max(β, floor)
        var beta = new float[topicWord.Length];
        var lambda = new float[topicWord.Length];
        for (int t = 0; t < topics; t++)
        {
            var row = topicWord.Slice(t * vocabularySize, vocabularySize);
            double sum = 0;
            foreach (var x in row)
            {
                if (!(x >= 0) || float.IsInfinity(x)) throw new TopicEngineException($"topic-word matrix has an entry {x} in topic {t}: entries must be finite and non-negative.");
                sum += x;
            }
            if (!(sum > 0)) throw new TopicEngineException($"topic {t} of the topic-word matrix is all zeros.");
            for (int w = 0; w < vocabularySize; w++)
            {
                double b = row[w] / sum;
                beta[t * vocabularySize + w] = (float)b;
                lambda[w * topics + t] = (float)(PointEstimateScale * Math.Max(b, BetaFloor));
            }
        }
        backend.SetLambda(lambda, vocabularySize);
        var runner = new LocalStepRunner(backend, options ?? LocalStepOptions.Plain);
        return Score(runner, heldOut, alpha.ToArray(), batchSize, (scored, gamma) =>
        {
            // Σ_d Σ_i n_di log Σ_k θ_dk β_k,w_di with the given β (K×V), θ_d = γ_d / Σγ_d
            var theta = new double[topics];
            double logLikelihood = 0;
            for (int d = 0; d < scored.DocumentCount; d++)
            {
                var ids = scored.DocumentTerms(d);
                if (ids.Length == 0) continue;
                var counts = scored.DocumentCounts(d);
                double gammaSum = 0;
                for (int t = 0; t < topics; t++) gammaSum += gamma[d * topics + t];
                for (int t = 0; t < topics; t++) theta[t] = gamma[d * topics + t] / gammaSum;
                for (int i = 0; i < ids.Length; i++)
                {
                    double p = 0;
                    for (int t = 0; t < topics; t++) p += theta[t] * beta[t * vocabularySize + ids[i]];
                    logLikelihood += counts[i] * Math.Log(Math.Max(p, double.Epsilon));
                }
            }
            return logLikelihood;
        });
    }

    /// <summary>
    /// Document completion against the λ a backend holds (a fit's held-out evaluation): θ from the observed halves by the
    /// backend's local step against its own expElogβ, the scored halves by <see cref="ILdaBackend.CompletionLogLikelihood"/>
    /// (E[β] = λ / Σλ); λ never leaves the backend.
    /// </summary>
    public static DocumentCompletionResult ScoreOnBackend(LocalStepRunner runner, IBatchSource heldOut, float[] alpha, int batchSize) =>
        Score(runner, heldOut, alpha, batchSize, runner.Backend.CompletionLogLikelihood);

    /// <summary>Score of the scored halves of a batch given the γ of the observed halves (DocumentCount×K).</summary>
    internal delegate double ScoredHalfLogLikelihood(SparseBatch scored, ReadOnlySpan<float> gamma);

    private static DocumentCompletionResult Score(LocalStepRunner runner, IBatchSource heldOut, float[] alpha, int batchSize,
        ScoredHalfLogLikelihood logLikelihoodOf)
    {
        double logLikelihood = 0;
        long tokens = 0;
        int documents = 0;
        var scoredHalves = new System.Collections.Concurrent.ConcurrentQueue<SparseBatch>();   // filled by the runner's reader, in order
        var observedHalves = heldOut.ReadBatches(batchSize).Select(batch =>
        {
            var (observed, scored) = Split(batch);
            scoredHalves.Enqueue(scored);
            return observed;
        });
        foreach (var output in runner.Run(observedHalves, alpha))
        {
            if (!scoredHalves.TryDequeue(out var scored)) throw new InvalidOperationException("the scored halves fell out of step with the observed ones.");
            logLikelihood += logLikelihoodOf(scored, output.Gamma.Span);
            for (int d = 0; d < scored.DocumentCount; d++)
            {
                if (scored.DocumentOffsets[d + 1] == scored.DocumentOffsets[d]) continue;
                foreach (var c in scored.DocumentCounts(d)) tokens += (long)c;
                documents++;
            }
        }
        if (tokens == 0) throw new TopicEngineException("no held-out tokens to score: held-out documents need at least two tokens each (set --holdout higher or use a larger corpus).");
        double perWord = logLikelihood / tokens;
        return new DocumentCompletionResult(Math.Exp(-perWord), perWord, tokens, documents);
    }

    /// <summary>Scores <paramref name="heldOut"/> against λ (V×K, term-major) through E[β] = λ normalised per topic.</summary>
    public static DocumentCompletionResult EvaluateLambda(ReadOnlySpan<float> lambda, int topics, int vocabularySize,
        IBatchSource heldOut, ReadOnlySpan<float> alpha, ILdaBackend backend, LocalStepOptions? options = null, int batchSize = ThetaPass.DefaultBatchSize) =>
        Evaluate(LdaMath.ExpectedTopicWord(lambda, vocabularySize, topics), topics, vocabularySize, heldOut, alpha, backend, options, batchSize);

    /// <summary>
    /// Splits every document into its observed half (a batch for the local step) and its scored half (CSR arrays).
    /// Term i with count c_i occupies token positions P_i .. P_i + c_i − 1 (P_i = Σ_{j&lt;i} c_j); even positions are
    /// observed: ⌈c_i/2⌉ of them when P_i is even, ⌊c_i/2⌋ when odd. Counts are rounded to whole tokens.
    /// </summary>
    internal static (SparseBatch Observed, SparseBatch Scored) Split(SparseBatch batch)
    {
        int docs = batch.DocumentCount;
        var observedOffsets = new int[docs + 1];
        var scoredOffsets = new int[docs + 1];
        var observedTerms = new List<int>(batch.NonZeroCount);
        var observedCounts = new List<float>(batch.NonZeroCount);
        var scoredTerms = new List<int>(batch.NonZeroCount);
        var scoredCounts = new List<float>(batch.NonZeroCount);
        for (int d = 0; d < docs; d++)
        {
            var ids = batch.DocumentTerms(d);
            var counts = batch.DocumentCounts(d);
            long position = 0;
            for (int i = 0; i < ids.Length; i++)
            {
                int c = (int)Math.Round(counts[i]);
                if (c <= 0) continue;
                int observed = position % 2 == 0 ? (c + 1) / 2 : c / 2;
                if (observed > 0) { observedTerms.Add(ids[i]); observedCounts.Add(observed); }
                if (c - observed > 0) { scoredTerms.Add(ids[i]); scoredCounts.Add(c - observed); }
                position += c;
            }
            observedOffsets[d + 1] = observedTerms.Count;
            scoredOffsets[d + 1] = scoredTerms.Count;
        }
        var observedBatch = new SparseBatch(batch.Keys, observedOffsets, observedTerms.ToArray(), observedCounts.ToArray());
        return (observedBatch, new SparseBatch(batch.Keys, scoredOffsets, scoredTerms.ToArray(), scoredCounts.ToArray()));
    }
}
