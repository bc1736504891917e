using ILGPU;
using ILGPU.Algorithms;

namespace TopicEngine.Kernels;

/// <summary>
/// Kernels of the local (per-document) step. All three are explicitly grouped: one thread group
/// per document of the chunk (grid = D), group size a multiple of the warp size. Inside a group,
/// loops over topics are group-strided, and φnorm is computed warp by warp: one warp takes one
/// distinct term, its lanes read the term's K contiguous floats of expElogβ (coalesced), and a
/// warp shuffle sums it. Shared memory is O(K + tokens per chunk) in every kernel, never warps × K.
/// Semantics equal <c>Backends/ReferenceBackend.cs</c>.
/// </summary>
internal static class LocalStepKernels
{
    /// <summary>Dynamic shared memory of <see cref="EStep"/> in floats: exp(Elogθ) (K), n_w / φnorm_w of one
    /// chunk of the document's tokens (<paramref name="tokensPerChunk"/>), two reduction scratch rows (2 × warps).
    /// O(K + tokens per chunk): it does not grow with warps × K.</summary>
    public static long EStepSharedFloats(int topics, int tokensPerChunk, int warps) => (long)topics + tokensPerChunk + 2L * warps;

    /// <summary>Dynamic shared memory of <see cref="Statistics"/> in floats: exp(Elogθ) (K).</summary>
    public static long StatisticsSharedFloats(int topics) => topics;

    /// <summary>Dynamic shared memory of <see cref="DocumentBound"/> in floats: exp(Elogθ) (K),
    /// two reduction scratch rows (2 × warps).</summary>
    public static long DocumentBoundSharedFloats(int topics, int warps) => topics + 2L * warps;

    /// <summary>
    /// The variational E-step of one document per group. γ starts at 1 (α for an empty document);
    /// repeat: Elogθ = ψ(γ) − ψ(Σγ); φnorm_w = Σ_k exp(Elogθ_k)·expElogβ_wk + 10⁻³⁰ (floor, see DeviceMath);
    /// γ_k = α_k + exp(Elogθ_k) · Σ_w n_w expElogβ_wk / φnorm_w; until Σ_k |Δγ_k| / s_d &lt; tolerance
    /// (s_d = K, or max(K, N_d) with <see cref="LocalStepSettings.ToleranceByLength"/>) or MaxIterations. exp(Elogθ) of the final γ is written for the statistics kernel.
    /// <para>The tokens are taken in chunks of <see cref="LocalStepSettings.TokensPerChunk"/>: first each warp
    /// takes one token, its lanes read the term's K contiguous floats of expElogβ and a shuffle sums φnorm_w, and
    /// lane 0 puts n_w / φnorm_w into shared memory; then each thread takes its topics k and adds
    /// Σ_w (n_w / φnorm_w) expElogβ_wk over the chunk's tokens in token order (consecutive threads read
    /// consecutive floats; no cross-warp reduction). γ and the running sum live in the document's rows of
    /// <paramref name="gamma"/> and <paramref name="expElogTheta"/>, where entry k is only ever touched by the
    /// thread of topic k, so shared memory is O(K + tokens per chunk).</para>
    /// </summary>
    public static void EStep(
        BatchView batch,                 // CSR chunk: D + 1 offsets, nnz term ids and counts
        ArrayView<float> expElogBeta,    // exp(Elogβ): V×K, term-major
        ArrayView<float> alpha,          // α: K
        ArrayView<float> gamma,          // in (warm start) / out γ: D×K, row-major (the working γ during the iterations)
        ArrayView<float> expElogTheta,   // out exp(Elogθ) of the final γ: D×K, row-major (the running sum before)
        ArrayView<int> iterations,       // out iterations run per document: D
        ArrayView<int> failure,          // 1 element: stays 0, or 1 + batch row of a document whose γ became NaN/∞
        LocalStepSettings settings)      // K, max iterations, tolerance, first batch row, tokens per chunk
    {
        int d = Grid.IdxX;
        int tid = Group.IdxX;
        int threads = Group.DimX;
        int lane = Warp.LaneIdx;
        int warp = Warp.WarpIdx;
        int warpSize = Warp.WarpSize;
        int warps = threads / warpSize;
        int k = settings.Topics;
        int chunk = settings.TokensPerChunk;
        int row = d * k;                                           // this document's rows of γ and the running sum

        var shared = SharedMemory.GetDynamic<float>();
        var expThetaShared = shared.SubView(0, k);                 // exp(Elogθ): K
        var ratioShared = shared.SubView(k, chunk);                // n_w / φnorm_w of the chunk's tokens
        var scratchChange = shared.SubView(k + chunk, warps);
        var scratchSum = shared.SubView(k + chunk + warps, warps);

        int start = batch.DocumentOffsets[d];
        int end = batch.DocumentOffsets[d + 1];
        bool empty = end == start;

        float partialSum = 0f;
        for (int t = tid; t < k; t += threads)
        {
            float g = empty ? alpha[t] : settings.WarmStart != 0 ? gamma[row + t] : 1f;   // warm: the uploaded initial γ
            gamma[row + t] = g;
            partialSum += g;
        }
        float psiSum = DeviceMath.Digamma(DeviceMath.GroupSum(partialSum, scratchSum));
        for (int t = tid; t < k; t += threads)
            expThetaShared[t] = XMath.Exp(DeviceMath.Digamma(gamma[row + t]) - psiSum);
        // s_d of the stopping test (LdaMath.ChangeScale): K, or max(K, N_d) by length
        float tokens = 0f;
        for (int i = start + tid; i < end; i += threads) tokens += batch.Counts[i];
        tokens = DeviceMath.GroupSum(tokens, scratchChange);
        float changeScale = settings.ToleranceByLength != 0 ? XMath.Max((float)k, tokens) : k;
        Group.Barrier();

        int iteration = 0;
        if (!empty)
        {
            while (iteration < settings.MaxIterations)
            {
                iteration++;
                for (int t = tid; t < k; t += threads) expElogTheta[row + t] = 0f;
                for (int first = start; first < end; first += chunk)
                {
                    int last = XMath.Min(first + chunk, end);
                    for (int i = first + warp; i < last; i += warps)
                    {
                        float phiNorm = DeviceMath.PhiNorm(expThetaShared, expElogBeta, batch.TermIds[i] * k, k, lane, settings.UnrolledTopicLoops);
                        if (lane == 0) ratioShared[i - first] = batch.Counts[i] / phiNorm;
                    }
                    Group.Barrier();
                    for (int t = tid; t < k; t += threads)
                    {
                        float s = 0f;
                        for (int i = first; i < last; i++) s += ratioShared[i - first] * expElogBeta[batch.TermIds[i] * k + t];
                        expElogTheta[row + t] += s;
                    }
                    Group.Barrier();                               // the next chunk overwrites the ratios
                }

                float change = 0f;
                partialSum = 0f;
                float omega = iteration > settings.PlainIterations ? settings.Relaxation : 1f;
                for (int t = tid; t < k; t += threads)
                {
                    float plain = alpha[t] + expThetaShared[t] * expElogTheta[row + t];   // T_k = α_k + exp(Elogθ_k) Σ_w n_w β_wk / φnorm_w
                    float old = gamma[row + t];
                    change += XMath.Abs(plain - old);
                    // γ_k ← max(γ_k + ω (T_k − γ_k), (α_k + T_k) / 2), T_k itself while ω = 1 (LdaMath.RelaxedGamma)
                    float g = omega == 1f ? plain : XMath.Max(old + omega * (plain - old), 0.5f * (alpha[t] + plain));
                    gamma[row + t] = g;
                    partialSum += g;
                }
                change = DeviceMath.GroupSum(change, scratchChange);
                psiSum = DeviceMath.Digamma(DeviceMath.GroupSum(partialSum, scratchSum));
                for (int t = tid; t < k; t += threads)
                    expThetaShared[t] = XMath.Exp(DeviceMath.Digamma(gamma[row + t]) - psiSum);
                Group.Barrier();

                if (!XMath.IsFinite(change))
                {
                    if (tid == 0) Atomic.CompareExchange(ref failure[0], 0, settings.FirstDocument + d + 1);
                    break;
                }
                if (change / changeScale < settings.Tolerance) break;
            }
        }

        for (int t = tid; t < k; t += threads) expElogTheta[row + t] = expThetaShared[t];
        if (tid == 0) iterations[d] = iteration;
    }

    /// <summary>
    /// Sufficient statistics from the final γ: s_wk += n_w exp(Elogθ_k) expElogβ_wk / φnorm_w,
    /// added with 64-bit integer atomics in fixed point (<see cref="DeviceMath.StatisticsScale"/>)
    /// into the term-major V×K buffer: documents sharing a term rarely collide, and the sum does
    /// not depend on the order of the adds, so the same device gives the same λ every run.
    /// </summary>
    public static void Statistics(
        BatchView batch,                 // CSR chunk: D + 1 offsets, nnz term ids and counts
        ArrayView<float> expElogBeta,    // exp(Elogβ): V×K, term-major
        ArrayView<float> expElogTheta,   // exp(Elogθ) of the final γ: D×K, row-major
        ArrayView<long> statistics,      // s · 2³²: V×K, term-major, fixed point, accumulated
        int topics,                      // K
        int unrolled)                    // 1: the φnorm loop over K unrolled 4-way (same sum order)
    {
        int d = Grid.IdxX;
        int tid = Group.IdxX;
        int threads = Group.DimX;
        int lane = Warp.LaneIdx;
        int warpSize = Warp.WarpSize;
        int warps = threads / warpSize;
        int k = topics;

        var expThetaShared = SharedMemory.GetDynamic<float>().SubView(0, k);   // exp(Elogθ): K
        for (int t = tid; t < k; t += threads) expThetaShared[t] = expElogTheta[d * k + t];
        Group.Barrier();

        int end = batch.DocumentOffsets[d + 1];
        for (int i = batch.DocumentOffsets[d] + Warp.WarpIdx; i < end; i += warps)
        {
            int beta = batch.TermIds[i] * k;
            float ratio = batch.Counts[i] / DeviceMath.PhiNorm(expThetaShared, expElogBeta, beta, k, lane, unrolled);
            for (int t = lane; t < k; t += warpSize)
                Atomic.Add(ref statistics[beta + t], (long)(ratio * expThetaShared[t] * expElogBeta[beta + t] * DeviceMath.StatisticsScale));
        }
    }

    /// <summary>
    /// The document part of the ELBO for each document of the chunk, from γ:
    /// Σ_w n_w log Σ_k exp(Elogθ_k + Elogβ_kw) + Σ_k (α_k − γ_k) Elogθ_k + lnΓ(γ_k) − lnΓ(α_k)
    /// + lnΓ(Σ_k α_k) − lnΓ(Σ_k γ_k). An empty document (γ = α) scores exactly 0.
    /// </summary>
    public static void DocumentBound(
        BatchView batch,                 // CSR chunk: D + 1 offsets, nnz term ids and counts
        ArrayView<float> expElogBeta,    // exp(Elogβ): V×K, term-major
        ArrayView<float> alpha,          // α: K
        ArrayView<float> gamma,          // γ: D×K, row-major
        ArrayView<float> bound,          // out: D
        int topics)                      // K
    {
        int d = Grid.IdxX;
        int tid = Group.IdxX;
        int threads = Group.DimX;
        int lane = Warp.LaneIdx;
        int warpSize = Warp.WarpSize;
        int warps = threads / warpSize;
        int k = topics;

        var shared = SharedMemory.GetDynamic<float>();
        var expThetaShared = shared.SubView(0, k);                 // exp(Elogθ): K
        var scratchGamma = shared.SubView(k, warps);
        var scratchAlpha = shared.SubView(k + warps, warps);

        float partialGamma = 0f, partialAlpha = 0f;
        for (int t = tid; t < k; t += threads)
        {
            partialGamma += gamma[d * k + t];
            partialAlpha += alpha[t];
        }
        float gammaSum = DeviceMath.GroupSum(partialGamma, scratchGamma);
        float alphaSum = DeviceMath.GroupSum(partialAlpha, scratchAlpha);
        float psiSum = DeviceMath.Digamma(gammaSum);

        float part = 0f;
        for (int t = tid; t < k; t += threads)
        {
            float g = gamma[d * k + t];
            float a = alpha[t];
            float elogTheta = DeviceMath.Digamma(g) - psiSum;
            expThetaShared[t] = XMath.Exp(elogTheta);
            part += (a - g) * elogTheta + DeviceMath.LogGamma(g) - DeviceMath.LogGamma(a);
        }
        Group.Barrier();

        int end = batch.DocumentOffsets[d + 1];
        for (int i = batch.DocumentOffsets[d] + Warp.WarpIdx; i < end; i += warps)
        {
            float phiNorm = DeviceMath.PhiNorm(expThetaShared, expElogBeta, batch.TermIds[i] * k, k, lane, unrolled: 0);
            if (lane == 0) part += batch.Counts[i] * XMath.Log(phiNorm);
        }

        float total = DeviceMath.GroupSum(part, scratchGamma);
        if (tid == 0) bound[d] = total + DeviceMath.LogGamma(alphaSum) - DeviceMath.LogGamma(gammaSum);
    }
}
