using ILGPU;

namespace TopicEngine.Kernels;

/// <summary>
/// The sufficient statistics without 64-bit atomics (issue 16, item 8; <c>GpuLevers.TermStatistics</c>): the host
/// transposes each chunk by term while staging it (<see cref="TermTransposeView"/>); <see cref="TokenRatios"/> writes
/// n_dw / φnorm_dw for every non-zero (one warp per non-zero, as <see cref="LocalStepKernels.Statistics"/> computes it),
/// then <see cref="TermStatistics"/> gives each (term, topic) one thread, which adds its fixed-point terms over the term's
/// non-zeros in document order and writes the entry once. Each entry has one writer per chunk and chunks run in stream
/// order, so no atomics are needed; the per-entry fixed-point terms are those of the atomic kernel and integer sums do not
/// depend on order, so the statistics equal the atomic path's bit for bit.
/// </summary>
internal static class TermStatisticsKernels
{
    /// <summary>Dynamic shared memory of <see cref="TokenRatios"/> in floats: exp(Elogθ) (K).</summary>
    public static long TokenRatiosSharedFloats(int topics) => topics;

    /// <summary>
    /// One group per document of the chunk: ratio_i = n_i / (Σ_k exp(Elogθ_dk) expElogβ_wk + floor) for each of the
    /// document's non-zeros i, from the final exp(Elogθ) the E-step wrote.
    /// </summary>
    public static void TokenRatios(
        BatchView batch,                 // CSR chunk: D + 1 offsets, nnz term ids and counts
        ArrayView<float> expElogBeta,    // exp(Elogβ): V×K, term-major
        ArrayView<float> expElogTheta,   // exp(Elogθ) of the final γ: D×K, row-major
        ArrayView<float> ratios,         // out n_i / φnorm_i, indexed as batch.TermIds
        int topics,                      // K
        int unrolled)                    // 1: the φnorm loop over K unrolled 4-way (same sum order)
    {
        int d = Grid.IdxX;
        int tid = Group.IdxX;
        int threads = Group.DimX;
        int lane = Warp.LaneIdx;
        int warps = threads / Warp.WarpSize;
        int k = topics;

        var expThetaShared = SharedMemory.GetDynamic<float>().SubView(0, k);   // exp(Elogθ): K
        for (int t = tid; t < k; t += threads) expThetaShared[t] = expElogTheta[d * k + t];
        Group.Barrier();

        int end = batch.DocumentOffsets[d + 1];
        for (int i = batch.DocumentOffsets[d] + Warp.WarpIdx; i < end; i += warps)
        {
            float ratio = batch.Counts[i] / DeviceMath.PhiNorm(expThetaShared, expElogBeta, batch.TermIds[i] * k, k, lane, unrolled);
            if (lane == 0) ratios[i] = ratio;
        }
    }

    /// <summary>
    /// One thread per (distinct term u of the chunk, topic k), index u·K + k (consecutive threads read consecutive floats):
    /// s_wk += Σ_e (long)(ratio_e · exp(Elogθ_{d_e k}) · expElogβ_wk · 2³²) over the term's non-zeros e in document order.
    /// </summary>
    public static void TermStatistics(
        Index1D index,                   // U×K
        TermTransposeView terms,         // the chunk's distinct terms and their (non-zero, document) lists
        ArrayView<float> ratios,         // n_i / φnorm_i from TokenRatios, indexed as the batch's term ids
        ArrayView<float> expElogBeta,    // exp(Elogβ): V×K, term-major
        ArrayView<float> expElogTheta,   // exp(Elogθ) of the final γ: D×K, row-major
        ArrayView<long> statistics,      // s · 2³²: V×K, term-major, fixed point, accumulated
        int topics)                      // K
    {
        int k = topics;
        int u = index / k;
        int t = index - u * k;
        int entry = terms.Terms[u] * k + t;
        float beta = expElogBeta[entry];
        long sum = 0;
        int end = terms.TermOffsets[u + 1];
        for (int e = terms.TermOffsets[u]; e < end; e++)
            sum += (long)(ratios[terms.EntryNonZero[e]] * expElogTheta[terms.EntryDocument[e] * k + t] * beta * DeviceMath.StatisticsScale);
        statistics[entry] += sum;
    }
}

/// <summary>
/// A chunk transposed by term on the host: distinct term u is <see cref="Terms"/>[u] and owns entries
/// <c>TermOffsets[u] .. TermOffsets[u+1]</c> of <see cref="EntryNonZero"/> (index of the non-zero in the batch's term ids)
/// and <see cref="EntryDocument"/> (its document in the chunk), in document order.
/// </summary>
internal readonly struct TermTransposeView
{
    public TermTransposeView(ArrayView<int> termOffsets, ArrayView<int> terms, ArrayView<int> entryNonZero, ArrayView<int> entryDocument)
    {
        TermOffsets = termOffsets;
        Terms = terms;
        EntryNonZero = entryNonZero;
        EntryDocument = entryDocument;
    }

    /// <summary>Entry offsets: U + 1.</summary>
    public readonly ArrayView<int> TermOffsets;

    /// <summary>Term id of each distinct term: U.</summary>
    public readonly ArrayView<int> Terms;

    /// <summary>Non-zero index of each entry.</summary>
    public readonly ArrayView<int> EntryNonZero;

    /// <summary>Document (in the chunk) of each entry.</summary>
    public readonly ArrayView<int> EntryDocument;
}
