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
/// γ starts at 1 for every topic; repeat: Elogθ = ψ(γ) − ψ(Σγ); φnorm_w = Σ_k exp(Elogθ_k)·expElogβ_kw;
/// γ_k = α_k + exp(Elogθ_k) · Σ_w n_w expElogβ_kw / φnorm_w; until mean_k |Δγ_k| &lt; tolerance or
/// MaxIterations. Statistics then use exp(Elogθ) from the final γ:
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
    /// <see cref="LocalStepResult.DocumentBound"/>. Calls without statistics are thread-safe.</summary>
    LocalStepResult LocalStep(SparseBatch batch, ReadOnlySpan<float> alpha, LocalStepOptions options,
        Span<float> gamma, bool accumulateStatistics, bool computeBound);

    /// <summary>Global step with the statistics gathered since the last one:
    /// λ ← (1 − ρ) λ + ρ (η + scale · s) (Hoffman et al. 2010, eq. 7 with scale = D/|B|), then
    /// refreshes Elogβ/expElogβ and clears the statistics. Batch VB is ρ = 1, scale = 1.</summary>
    void GlobalStep(float rho, float eta, float scale);

    /// <summary>Copies the current λ (V×K, term-major) into <paramref name="lambda"/>.</summary>
    void GetLambda(Span<float> lambda);
}
