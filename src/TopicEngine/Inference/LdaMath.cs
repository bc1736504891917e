namespace TopicEngine.Inference;

/// <summary>
/// Small pieces of LDA arithmetic shared by the backends, the trainer and the evaluators.
/// </summary>
internal static class LdaMath
{
    /// <summary>
    /// Added to every φnorm_w = Σ_k exp(Elogθ_k)·expElogβ_kw before dividing by it. expElogβ underflows
    /// to 0 in float for a term whose λ stayed at a small η in every topic (e.g. a term seen only in
    /// held-out documents), and n_w / 0 · 0 would be NaN. 1e-30 is far below any φnorm that matters
    /// (gensim adds the dtype's epsilon instead, which biases rare words in float32).
    /// </summary>
    public const float PhiNormFloor = 1e-30f;

    /// <summary>
    /// The smallest normal float, 2^−126 ≈ 1.18e-38. The CPU backend sets the expElogβ entries below it (subnormal floats) to 0:
    /// a factor that small cannot move a φnorm_w, which carries <see cref="PhiNormFloor"/> = 1e-30 (it is at most 1e-8 of the
    /// floor), and arithmetic on subnormal floats is slow on some CPUs. On a Zen 4 VM, in a K = 100 20news fit where 15% of
    /// expElogβ's entries were subnormal, the published (ReadyToRun) build spent 10–12% less time in its local steps with them
    /// set to 0, λ byte-identical; with every method JIT-compiled the difference was within the noise (benchmarks/RESULTS.md §13n).
    /// </summary>
    public const float SmallestNormal = 1.17549435E-38f;

    /// <summary>
    /// The β part of the ELBO (Hoffman et al. 2010, eq. 3):
    /// Σ_k Σ_w [(η − λ_kw) Elogβ_kw + lnΓ(λ_kw) − lnΓ(η)] + Σ_k [lnΓ(Vη) − lnΓ(Σ_w λ_kw)],
    /// with Elogβ_kw = ψ(λ_kw) − ψ(Σ_w λ_kw). <paramref name="lambda"/>: V×K, term-major.
    /// Evaluated as the GPU backend does: Σ_kw [(η − λ_kw) ψ(λ_kw) + lnΓ(λ_kw) − lnΓ(η)] over the entries, then, from the K row
    /// sums S_k, + Σ_k [lnΓ(Vη) − lnΓ(S_k) − ψ(S_k) (Vη − S_k)] (the ψ(S_k) term of Elogβ summed over w first), so that the
    /// V×K loop needs no topic index. ψ and lnΓ of the entries are evaluated in float SIMD (this runs on every logged step),
    /// every product and sum in double. Parallel over fixed chunks of terms, partial sums added in chunk order (deterministic).
    /// </summary>
    public static double TopicWordBound(float[] lambda, int vocabularySize, int topics, float eta, int threads)
    {
        int k = topics, v = vocabularySize;
        var rowSums = TopicSums(lambda, v, k);
        const int chunk = 512;
        int chunks = (v + chunk - 1) / chunk;
        var partial = new double[Math.Max(chunks, 1)];
        double lgEta = SpecialFunctions.LogGamma((double)eta);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, () => (new float[chunk * k], new float[chunk * k]),
            (c, _, buffers) =>
            {
                int start = c * chunk * k, length = Math.Min(v, (c + 1) * chunk) * k - start;
                var values = lambda.AsSpan(start, length);
                var psi = buffers.Item1.AsSpan(0, length);
                var logGamma = buffers.Item2.AsSpan(0, length);
                SpecialFunctions.Digamma(values, psi);
                SpecialFunctions.LogGamma(values, logGamma);
                double sum = 0;
                for (int i = 0; i < length; i++)
                    sum += (eta - (double)values[i]) * psi[i] + logGamma[i];
                partial[c] = sum - length * lgEta;
                return buffers;
            }, _ => { });
        double bound = 0;
        foreach (var p in partial) bound += p;
        return AddTopicSumTerms(bound, rowSums, v, eta);
    }

    /// <summary>The β part's per-topic terms, added to <paramref name="bound"/> topic by topic:
    /// Σ_k [lnΓ(Vη) − lnΓ(S_k) − ψ(S_k) (Vη − S_k)] with S_k = Σ_w λ_kw (<paramref name="topicSums"/>).</summary>
    public static double AddTopicSumTerms(double bound, ReadOnlySpan<double> topicSums, int vocabularySize, float eta)
    {
        double vEta = (double)vocabularySize * eta, lgVEta = SpecialFunctions.LogGamma(vEta);
        foreach (double sum in topicSums)
            bound += lgVEta - SpecialFunctions.LogGamma(sum) - SpecialFunctions.Digamma(sum) * (vEta - sum);
        return bound;
    }

    /// <summary>Σ_w λ_kw for every topic k, in double, summed in term order. <paramref name="lambda"/>: V×K, term-major.</summary>
    public static double[] TopicSums(ReadOnlySpan<float> lambda, int vocabularySize, int topics)
    {
        var sums = new double[topics];
        for (int w = 0; w < vocabularySize; w++)
        {
            var row = lambda.Slice(w * topics, topics);
            for (int t = 0; t < topics; t++) sums[t] += row[t];
        }
        return sums;
    }

    /// <summary>
    /// E[β] = λ normalised per topic, as a K×V topic-major matrix whose rows sum to 1.
    /// <paramref name="lambda"/>: V×K, term-major.
    /// </summary>
    public static float[] ExpectedTopicWord(ReadOnlySpan<float> lambda, int vocabularySize, int topics)
    {
        var sums = TopicSums(lambda, vocabularySize, topics);
        var beta = new float[topics * vocabularySize];
        for (int w = 0; w < vocabularySize; w++)
            for (int t = 0; t < topics; t++)
                beta[t * vocabularySize + w] = (float)(lambda[w * topics + t] / sums[t]);
        return beta;
    }

    /// <summary>
    /// The scoring half of document completion (<see cref="ILdaBackend.CompletionLogLikelihood"/>):
    /// Σ_d Σ_i n_di · log Σ_k θ_dk E[β_k,w_di] with θ_d = γ_d / Σγ_d and E[β_kw] = λ_kw / Σ_v λ_kv, in double.
    /// <paramref name="lambda"/>: V×K, term-major; <paramref name="gamma"/>: DocumentCount×K, row-major.
    /// </summary>
    public static double CompletionLogLikelihood(ReadOnlySpan<float> lambda, int vocabularySize, int topics, Corpus.SparseBatch scored, ReadOnlySpan<float> gamma)
    {
        int k = topics;
        if (gamma.Length < scored.DocumentCount * k) throw new ArgumentException("gamma must hold DocumentCount×K.", nameof(gamma));
        var sums = TopicSums(lambda, vocabularySize, k);
        var weight = new double[k];   // θ_dk / Σ_v λ_kv
        double total = 0;
        for (int d = 0; d < scored.DocumentCount; d++)
        {
            var ids = scored.DocumentTerms(d);
            if (ids.Length == 0) continue;
            var counts = scored.DocumentCounts(d);
            var g = gamma.Slice(d * k, k);
            double gammaSum = 0;
            foreach (var x in g) gammaSum += x;
            for (int t = 0; t < k; t++) weight[t] = g[t] / gammaSum / sums[t];
            for (int i = 0; i < ids.Length; i++)
            {
                if ((uint)ids[i] >= (uint)vocabularySize) throw new TopicEngineException($"term id {ids[i]} is outside the vocabulary of {vocabularySize} terms.");
                var row = lambda.Slice(ids[i] * k, k);
                double p = 0;
                for (int t = 0; t < k; t++) p += weight[t] * row[t];
                total += counts[i] * Math.Log(Math.Max(p, double.Epsilon));
            }
        }
        return total;
    }

    /// <summary>
    /// The scale s_d of a document's stopping test: its local step stops once Σ_k |T(γ)_k − γ_k| / s_d &lt; tolerance
    /// (T the plain update). s_d = K gives mean |Δγ| over the topics (gensim's and scikit-learn's test); by length
    /// (<see cref="LocalStepOptions.ToleranceByLength"/>, the default) s_d = max(K, N_d) with N_d = Σ_w n_dw the document's
    /// tokens: the same test for a document of at most K tokens, and for a longer one the change per token (Vowpal
    /// Wabbit's test, relative to Σγ ≈ Σα + N_d), which a long document's large γ otherwise meets only after many more
    /// iterations (benchmarks/RESULTS.md §13m). Every backend divides by this value (float, as the CPU and GPU compute it).
    /// </summary>
    public static float ChangeScale(int topics, float tokens, bool byLength) => byLength ? MathF.Max(topics, tokens) : topics;

    /// <summary>Iterations of a document's local step that take the plain update T(γ) before
    /// <see cref="LocalStepOptions.Relaxation"/> applies: the first steps from γ = 1 are large and would overshoot.</summary>
    public const int PlainIterations = 2;

    /// <summary>
    /// The over-relaxed local-step update of one topic: with T = α + exp(Elogθ) · Σ_w n_w expElogβ_w / φnorm_w (the plain
    /// update), γ' = T in the first <see cref="PlainIterations"/> iterations and max(γ + ω (T − γ), (α + T) / 2) after them.
    /// The floor halfway between α and T keeps γ above α wherever T is: γ reaches α only where the plain update does, so a
    /// topic that the CPU backend drops from a document (γ_k = α_k) is one the plain step would drop too, and the
    /// relaxed step stops at the plain step's fixed point. Every backend writes this formula (the CPU backend in SIMD
    /// lanes, the GPU kernel per thread); ω = 1 gives T.
    /// </summary>
    public static double RelaxedGamma(double gamma, double plain, double alpha, double omega, long iteration) =>
        iteration <= PlainIterations ? plain : Math.Max(gamma + omega * (plain - gamma), 0.5 * (alpha + plain));

    /// <summary>Elogθ = ψ(γ) − ψ(Σγ) in double (Dirichlet expectation of one row). <paramref name="outsideSum"/> is the γ of
    /// topics the span leaves out (the CPU local step's pruned topics): Σγ includes it, elog gets no entry for it.</summary>
    public static void DirichletExpectation(ReadOnlySpan<float> gamma, Span<double> elog, double outsideSum = 0)
    {
        double sum = outsideSum;
        foreach (var g in gamma) sum += g;
        double psiSum = SpecialFunctions.Digamma(sum);
        for (int t = 0; t < gamma.Length; t++) elog[t] = SpecialFunctions.Digamma((double)gamma[t]) - psiSum;
    }

    /// <summary>
    /// A document's summary from its γ (doc_topics.parquet and the public API share it): θ = γ / Σγ (the
    /// posterior mean of the topic proportions) into <paramref name="theta"/>, the dominant topic (argmax θ,
    /// lowest id on ties), and the entropy −Σ_k θ_k ln θ_k (natural log, 0·ln 0 = 0) as the return value.
    /// γ must be finite and positive (the caller names the document when it is not).
    /// </summary>
    public static double TopicProportions(ReadOnlySpan<float> gamma, Span<float> theta, out int dominant)
    {
        int k = gamma.Length;
        double sum = 0;
        for (int t = 0; t < k; t++) sum += gamma[t];
        dominant = 0;
        double entropy = 0;
        for (int t = 0; t < k; t++)
        {
            double p = gamma[t] / sum;
            theta[t] = (float)p;
            if (p > 0) entropy -= p * Math.Log(p);
            if (theta[t] > theta[dominant]) dominant = t;
        }
        return entropy;
    }

    /// <summary>Index of the first γ entry that is not finite and positive, or −1.</summary>
    public static int FirstInvalidGamma(ReadOnlySpan<float> gamma)
    {
        for (int t = 0; t < gamma.Length; t++)
            if (!(gamma[t] > 0) || !float.IsFinite(gamma[t])) return t;
        return -1;
    }
}
