using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>
/// The contract every compute backend (CPU, ILGPU CPU accelerator, CUDA, OpenCL) fulfils.
/// A backend owns λ and expElogβ for the whole fit and sees only batches; it knows nothing of
/// files, text or schedules. Layout everywhere: λ is V×K, term-major (<c>lambda[w*K + k]</c>).
/// <para>Call order: <see cref="SetLambda"/>; then any number of <see cref="LocalStep"/> calls
/// (with <c>accumulateStatistics</c> the sufficient statistics s_kw = Σ_d n_dw φ_dwk add up inside
/// the backend); then <see cref="GlobalStep"/>, which applies and clears them. <see cref="GetLambda"/>
/// may be called at any point between steps.</para>
/// <para>Local step, per document (the exp-normaliser form; φ is never stored):
/// γ starts at 1 for every topic (or at the given initial γ, the warm start of <see cref="LocalStep"/>); repeat: Elogθ = ψ(γ) − ψ(Σγ); φnorm_w = Σ_k exp(Elogθ_k)·expElogβ_kw;
/// γ_k = α_k + exp(Elogθ_k) · Σ_w n_w expElogβ_kw / φnorm_w; until Σ_k |Δγ_k| / s_d &lt; tolerance
/// (s_d = <see cref="LdaMath.ChangeScale"/>: K, or max(K, N_d) by length) or MaxIterations. Statistics then use exp(Elogθ) from the final γ:
/// s_kw += n_w exp(Elogθ_k) expElogβ_kw / φnorm_w. A document with no tokens gets γ = α.</para>
/// </summary>
internal interface ILdaBackend : IDisposable
{
    /// <summary>Short name for logs and model.json ("cpu", "reference", "cuda", "ilgpu-cpu", ...).</summary>
    string Name { get; }

    /// <summary>Number of topics K, fixed at construction.</summary>
    int Topics { get; }

    /// <summary>Current vocabulary size V (set by <see cref="SetLambda"/>).</summary>
    int VocabularySize { get; }

    /// <summary>Loads λ (length V×K, term-major), computes Elogβ = ψ(λ) − ψ(Σ_w λ_kw) and expElogβ,
    /// and clears the statistics. May be called again with another V (a grown vocabulary).</summary>
    void SetLambda(ReadOnlySpan<float> lambda, int vocabularySize);

    /// <summary>Runs the local step for every document of <paramref name="batch"/>, writing γ
    /// (DocumentCount×K, row-major) into <paramref name="gamma"/>. With <paramref name="accumulateStatistics"/>
    /// adds the batch's s_kw to the backend's statistics. With <paramref name="computeBound"/> fills
    /// <see cref="LocalStepResult.DocumentBound"/>. Calls without statistics are thread-safe.
    /// <para><paramref name="initialGamma"/> (DocumentCount×K, row-major, every entry positive and finite), when not empty,
    /// is where each document's iterations start instead of γ = 1 (the warm start across passes); empty: start at 1.
    /// A document with no tokens still gets γ = α.</para></summary>
    LocalStepResult LocalStep(SparseBatch batch, ReadOnlySpan<float> alpha, LocalStepOptions options,
        Span<float> gamma, bool accumulateStatistics, bool computeBound, ReadOnlySpan<float> initialGamma = default);

    /// <summary>Global step with the statistics gathered since the last one:
    /// λ ← (1 − ρ) λ + ρ (η + scale · s) (Hoffman et al. 2010, eq. 7 with scale = D/|B|), then
    /// refreshes Elogβ/expElogβ and clears the statistics. Batch VB is ρ = 1, scale = 1.</summary>
    void GlobalStep(float rho, float eta, float scale);

    /// <summary>Copies the current λ (V×K, term-major) into <paramref name="lambda"/>.</summary>
    void GetLambda(Span<float> lambda);

    /// <summary>
    /// The local step of ONE document on the calling thread, without statistics or bound: <paramref name="termIds"/>
    /// ascending and distinct, <paramref name="counts"/> aligned, γ (K) written into <paramref name="gamma"/>; the same γ as
    /// <see cref="LocalStep"/> gives that document. Thread-safe. Returns the iterations taken. The default runs a
    /// one-document batch; the CPU backend overrides it without allocating.
    /// </summary>
    int LocalStepDocument(ReadOnlySpan<int> termIds, ReadOnlySpan<float> counts, float[] alpha, LocalStepOptions options, Span<float> gamma)
    {
        var batch = new SparseBatch(["document"], [0, termIds.Length], termIds.ToArray(), counts.ToArray());
        return (int)LocalStep(batch, alpha, options, gamma, accumulateStatistics: false, computeBound: false).Iterations;
    }

    /// <summary>
    /// The β part of the ELBO for the current λ (Hoffman et al. 2010, eq. 3), with Elogβ_kw = ψ(λ_kw) − ψ(Σ_w λ_kw):
    /// <code>Σ_k Σ_w [(η − λ_kw) Elogβ_kw + lnΓ(λ_kw) − lnΓ(η)] + Σ_k [lnΓ(Vη) − lnΓ(Σ_w λ_kw)]</code>
    /// Sums in double; deterministic for a given λ.
    /// </summary>
    double TopicWordBound(float eta);

    /// <summary>Σ_k Σ_w Elogβ_kw = Σ_kw ψ(λ_kw) − V Σ_k ψ(Σ_w λ_kw) for the current λ: what the η Newton step needs
    /// (<see cref="DirichletPriors.UpdateEta"/>). Sums in double; deterministic for a given λ.</summary>
    double SumElogBeta();

    /// <summary>
    /// The scoring half of document completion against the current λ: for every document d of <paramref name="scored"/>,
    /// Σ_i n_di · log Σ_k θ_dk E[β_k,w_di], with θ_d = γ_d / Σ_k γ_dk (from <paramref name="gamma"/>, DocumentCount×K
    /// row-major) and E[β_kw] = λ_kw / Σ_v λ_kv; a probability below double.Epsilon counts as double.Epsilon. Returns the
    /// sum over the batch (natural log).
    /// </summary>
    double CompletionLogLikelihood(SparseBatch scored, ReadOnlySpan<float> gamma);
}
