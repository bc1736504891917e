namespace TopicEngine.Inference;

/// <summary>
/// Everything a fit needs to continue exactly where it stopped (a checkpoint). No random state is
/// needed: the seed fixes λ's initialisation and the held-out choice, and batches are re-read in order.
/// Resuming from a state taken after batch b of pass p gives the same λ, bit for bit, as the
/// uninterrupted fit (same input, options, backend and thread count).
/// </summary>
/// <param name="Topics">K.</param>
/// <param name="VocabularySize">V.</param>
/// <param name="Lambda">λ, V×K term-major.</param>
/// <param name="Alpha">α, length K.</param>
/// <param name="Eta">η.</param>
/// <param name="Step">Global steps done, t.</param>
/// <param name="CompletedPasses">Passes fully done.</param>
/// <param name="BatchesDoneInPass">Mini-batches done in the pass in progress (0 at a pass boundary).</param>
/// <param name="DocumentsSeen">Training documents processed so far.</param>
/// <param name="Seconds">Training seconds so far.</param>
/// <param name="Log">Logged steps so far.</param>
/// <param name="HeldOutLog">Held-out evaluations so far (one per completed pass).</param>
/// <param name="Converged">True when <c>--passes auto</c> decided to stop.</param>
internal sealed record TrainerState(
    int Topics,
    int VocabularySize,
    float[] Lambda,
    float[] Alpha,
    float Eta,
    long Step,
    int CompletedPasses,
    int BatchesDoneInPass,
    long DocumentsSeen,
    double Seconds,
    IReadOnlyList<TrainingLogRow> Log,
    IReadOnlyList<HeldOutLogRow> HeldOutLog,
    bool Converged);

/// <summary>The outcome of <see cref="SviTrainer.Fit"/>.</summary>
/// <param name="State">The final trainer state (λ, α, η, t, logs); also a checkpoint.</param>
/// <param name="Backend">Name of the backend that ran the fit.</param>
/// <param name="TrainingDocuments">Documents trained on (held-out ones excluded).</param>
/// <param name="HeldOutDocuments">Documents held out.</param>
/// <param name="TrainingTokens">Tokens of the training documents.</param>
internal sealed record TrainingResult(TrainerState State, string Backend, int TrainingDocuments, int HeldOutDocuments, long TrainingTokens)
{
    /// <summary>λ, V×K term-major.</summary>
    public float[] Lambda => State.Lambda;

    /// <summary>α, length K.</summary>
    public float[] Alpha => State.Alpha;

    /// <summary>η.</summary>
    public float Eta => State.Eta;

    /// <summary>Held-out perplexity after the last pass, or null when nothing was held out.</summary>
    public double? HeldOutPerplexity => State.HeldOutLog.Count > 0 ? State.HeldOutLog[^1].Perplexity : null;
}

/// <summary>
/// γ for one batch of documents, as the final local step produced it: what <c>doc_topics.parquet</c> is written from.
/// </summary>
/// <param name="Keys">Document keys.</param>
/// <param name="Gamma">γ, DocumentCount×K row-major (from <see cref="ThetaPass.Run"/>: the local step's buffer, valid until
/// the next batch).</param>
/// <param name="TokenCounts">Tokens per document.</param>
/// <param name="Topics">K.</param>
internal sealed record DocumentTopicsBatch(string[] Keys, ReadOnlyMemory<float> Gamma, long[] TokenCounts, int Topics)
{
    /// <summary>γ of document <paramref name="d"/>.</summary>
    public ReadOnlySpan<float> GammaOf(int d) => Gamma.Span.Slice(d * Topics, Topics);

    /// <summary>θ = E[θ] = γ / Σγ of document <paramref name="d"/>, written into <paramref name="theta"/> (sums to 1).</summary>
    public void ThetaOf(int d, Span<float> theta)
    {
        var gamma = GammaOf(d);
        double sum = 0;
        foreach (var g in gamma) sum += g;
        for (int t = 0; t < Topics; t++) theta[t] = (float)(gamma[t] / sum);
    }
}
