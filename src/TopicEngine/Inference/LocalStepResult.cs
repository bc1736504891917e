namespace TopicEngine.Inference;

/// <summary>
/// What one local step over a batch reports.
/// <para><see cref="DocumentBound"/> is the document part of the ELBO summed over the batch,
/// using each document's final γ (Hoffman et al. 2010, eq. 3 without the β terms):</para>
/// <code>
/// Σ_d [ Σ_w n_dw · log Σ_k exp(Elogθ_dk + Elogβ_kw)
///       + Σ_k (α_k − γ_dk) Elogθ_dk + lnΓ(γ_dk) − lnΓ(α_k)
///       + lnΓ(Σ_k α_k) − lnΓ(Σ_k γ_dk) ]
/// </code>
/// It is NaN when the bound was not requested.
/// </summary>
internal readonly record struct LocalStepResult(int Documents, long Tokens, long Iterations, double DocumentBound);
