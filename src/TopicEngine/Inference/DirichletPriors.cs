namespace TopicEngine.Inference;

/// <summary>
/// Initial values of α and η and their Newton updates (<c>auto</c>), after Hoffman, Blei &amp; Bach (2010)
/// and gensim's <c>update_dir_prior</c> (Minka's fixed-point/Newton method for a Dirichlet, damped by ρ).
/// </summary>
internal static class DirichletPriors
{
    /// <summary>α for K topics: symmetric and auto 1/K; asymmetric 1/(k + √K) normalised to sum 1 (gensim); fixed the value.</summary>
    public static float[] InitialAlpha(PriorSetting setting, int topics)
    {
        var alpha = new float[topics];
        switch (setting.Kind)
        {
            case PriorKind.Symmetric or PriorKind.Auto:
                Array.Fill(alpha, 1f / topics);
                break;
            case PriorKind.Asymmetric:
                double sum = 0;
                for (int k = 0; k < topics; k++) sum += 1 / (k + Math.Sqrt(topics));
                for (int k = 0; k < topics; k++) alpha[k] = (float)(1 / (k + Math.Sqrt(topics)) / sum);
                break;
            default:
                Array.Fill(alpha, setting.Value);
                break;
        }
        return alpha;
    }

    /// <summary>η: symmetric and auto 1/K (gensim's default); fixed the value.</summary>
    public static float InitialEta(PriorSetting setting, int topics) => setting.Kind switch
    {
        PriorKind.Symmetric or PriorKind.Auto => 1f / topics,
        PriorKind.Fixed => setting.Value,
        _ => throw new TopicEngineException("--eta must be symmetric, auto or a positive number; asymmetric applies to --alpha only."),
    };

    /// <summary>
    /// One damped Newton step for α given N documents' mean Elogθ (<paramref name="meanElogTheta"/>, "logphat"):
    /// g_k = N (ψ(Σα) − ψ(α_k) + logphat_k), H = diag(q) + c 1 1ᵀ with q_k = −N ψ′(α_k), c = N ψ′(Σα);
    /// Δα = −H⁻¹g = −(g_k − b)/q_k with b = Σ(g/q) / (1/c + Σ 1/q); α ← α + ρ Δα, kept only if every entry stays
    /// positive (gensim <c>update_dir_prior</c>). Where gensim then gives up and keeps α (a full Newton step from far
    /// away overshoots below 0), the step is halved until every entry stays positive (at most 30 times).
    /// Returns whether α changed.
    /// </summary>
    public static bool UpdateAlpha(float[] alpha, ReadOnlySpan<double> meanElogTheta, long documents, double rho)
    {
        int k = alpha.Length;
        if (documents <= 0) return false;
        double n = documents, alphaSum = 0;
        foreach (var a in alpha) alphaSum += a;
        double c = n * SpecialFunctions.Trigamma(alphaSum);
        double psiSum = SpecialFunctions.Digamma(alphaSum);
        var gradient = new double[k];
        var q = new double[k];
        double gOverQ = 0, invQ = 0;
        for (int t = 0; t < k; t++)
        {
            gradient[t] = n * (psiSum - SpecialFunctions.Digamma((double)alpha[t]) + meanElogTheta[t]);
            q[t] = -n * SpecialFunctions.Trigamma((double)alpha[t]);
            gOverQ += gradient[t] / q[t];
            invQ += 1 / q[t];
        }
        double b = gOverQ / (1 / c + invQ);
        var updated = new float[k];
        for (int halving = 0; halving < 30; halving++, rho /= 2)
        {
            bool positive = true;
            for (int t = 0; t < k && positive; t++)
            {
                double value = alpha[t] + rho * (-(gradient[t] - b) / q[t]);
                positive = value > 0 && double.IsFinite(value);
                updated[t] = (float)value;
            }
            if (!positive) continue;
            updated.CopyTo(alpha, 0);
            return true;
        }
        return false;
    }

    /// <summary>
    /// One damped Newton step for a scalar symmetric η over V words, treating the K topics as samples:
    /// f(η) = K [lnΓ(Vη) − V lnΓ(η)] + (η − 1) S, S = Σ_k Σ_w Elogβ_kw;
    /// f′ = K V [ψ(Vη) − ψ(η)] + S; f″ = K [V² ψ′(Vη) − V ψ′(η)]; η ← η − ρ f′/f″, the step halved until η stays
    /// positive (gensim's <c>update_eta</c> is the same step for a vector η, without the halving).
    /// </summary>
    public static float UpdateEta(float eta, double sumElogBeta, int topics, int vocabularySize, double rho)
    {
        double v = vocabularySize, k = topics;
        double gradient = k * v * (SpecialFunctions.Digamma(v * eta) - SpecialFunctions.Digamma((double)eta)) + sumElogBeta;
        double hessian = k * (v * v * SpecialFunctions.Trigamma(v * eta) - v * SpecialFunctions.Trigamma((double)eta));
        for (int halving = 0; halving < 30; halving++, rho /= 2)
        {
            double updated = eta - rho * gradient / hessian;
            if (updated > 0 && double.IsFinite(updated)) return (float)updated;
        }
        return eta;
    }

    /// <summary>Σ_k Σ_w Elogβ_kw = Σ_k Σ_w ψ(λ_kw) − V Σ_k ψ(Σ_w λ_kw), in double. <paramref name="lambda"/>: V×K term-major.</summary>
    public static double SumElogBeta(float[] lambda, int vocabularySize, int topics, int threads)
    {
        var rowSums = LdaMath.TopicSums(lambda, vocabularySize, topics);
        const int chunk = 1024;
        int chunks = (vocabularySize + chunk - 1) / chunk;
        var partial = new double[Math.Max(1, chunks)];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, c =>
        {
            double sum = 0;
            int end = Math.Min(vocabularySize, (c + 1) * chunk) * topics;
            for (int i = c * chunk * topics; i < end; i++) sum += SpecialFunctions.Digamma((double)lambda[i]);
            partial[c] = sum;
        });
        double total = 0;
        foreach (var p in partial) total += p;
        foreach (var s in rowSums) total -= vocabularySize * SpecialFunctions.Digamma(s);
        return total;
    }
}
