using ILGPU;
using ILGPU.Algorithms;

namespace TopicEngine.Kernels;

/// <summary>
/// Kernels that reduce the V×K model on the device, so that λ never leaves it during a fit:
/// (1) <see cref="TopicWordBoundPartials"/> and (2) <see cref="DigammaPartials"/>: sums over all
/// entries of λ, one double partial per group; (3) <see cref="CompletionLogLikelihood"/>: the
/// scoring half of document completion, one double per document. The host adds the partials in
/// group (document) order, so the same λ on the same device gives the same sum every run; no
/// float atomics. ψ and ln Γ are evaluated in float (<see cref="DeviceMath"/>), every product and
/// sum in double, as <c>Inference/LdaMath.cs</c> does on the host.
/// <para>The V×K kernels split the flat term-major buffer into equal runs of elements, one run per
/// group; threads of a group take consecutive elements (coalesced) and the group reduces its
/// threads' sums warp by warp (<see cref="DeviceMath.GroupSum(double, ArrayView{double})"/>).</para>
/// </summary>
internal static class ModelSumKernels
{
    /// <summary>Dynamic shared memory of <see cref="TopicWordBoundPartials"/> and
    /// <see cref="DigammaPartials"/> in doubles: one reduction scratch row (warps).</summary>
    public static int PartialsSharedDoubles(int warps) => warps;

    /// <summary>Dynamic shared memory of <see cref="CompletionLogLikelihood"/> in doubles:
    /// θ_k / Σ_v λ_vk (K), one reduction scratch row (warps).</summary>
    public static int CompletionSharedDoubles(int topics, int warps) => topics + warps;

    /// <summary>
    /// The entry-wise part of the β bound (Hoffman et al. 2010, eq. 3). With Elogβ_kw = ψ(λ_kw) − ψ(Σ_w λ_kw),
    /// <code>Σ_k Σ_w [(η − λ_kw) Elogβ_kw + lnΓ(λ_kw) − lnΓ(η)] + Σ_k [lnΓ(Vη) − lnΓ(Σ_w λ_kw)]
    ///   = Σ_kw [(η − λ_kw) ψ(λ_kw) + lnΓ(λ_kw) − lnΓ(η)] + Σ_k [lnΓ(Vη) − lnΓ(Σ_w λ_kw) − ψ(Σ_w λ_kw) (Vη − Σ_w λ_kw)];</code>
    /// group g writes the first sum over its run of entries into <paramref name="partials"/>[g]; the
    /// host adds the K row terms from the row sums.
    /// </summary>
    public static void TopicWordBoundPartials(
        ArrayView<float> lambda,         // λ: V×K, term-major (flat: entries [g·run, (g+1)·run) belong to group g)
        ArrayView<double> partials,      // out: groups, this group's Σ (η − λ) ψ(λ) + lnΓ(λ) − lnΓ(η)
        int length,                      // V·K
        int run,                         // entries per group
        float eta,                       // η
        double logGammaEta)              // lnΓ(η), from the host in double
    {
        int g = Grid.IdxX;
        int first = g * run;
        int last = (int)XMath.Min((long)first + run, length);
        double sum = 0;
        for (int i = first + Group.IdxX; i < last; i += Group.DimX)
        {
            float value = lambda[i];
            sum += ((double)eta - value) * DeviceMath.Digamma(value) + DeviceMath.LogGamma(value) - logGammaEta;
        }
        var scratch = SharedMemory.GetDynamic<double>();          // warps
        double total = DeviceMath.GroupSum(sum, scratch);
        if (Group.IdxX == 0) partials[g] = total;
    }

    /// <summary>
    /// Σ_kw ψ(λ_kw), the entry-wise part of Σ_k Σ_w Elogβ_kw = Σ_kw ψ(λ_kw) − V Σ_k ψ(Σ_w λ_kw) (what
    /// the η Newton step needs); group g writes the sum over its run into <paramref name="partials"/>[g],
    /// the host subtracts the K row terms.
    /// </summary>
    public static void DigammaPartials(
        ArrayView<float> lambda,         // λ: V×K, term-major (flat: entries [g·run, (g+1)·run) belong to group g)
        ArrayView<double> partials,      // out: groups, this group's Σ ψ(λ)
        int length,                      // V·K
        int run)                         // entries per group
    {
        int g = Grid.IdxX;
        int first = g * run;
        int last = (int)XMath.Min((long)first + run, length);
        double sum = 0;
        for (int i = first + Group.IdxX; i < last; i += Group.DimX)
            sum += DeviceMath.Digamma(lambda[i]);
        var scratch = SharedMemory.GetDynamic<double>();          // warps
        double total = DeviceMath.GroupSum(sum, scratch);
        if (Group.IdxX == 0) partials[g] = total;
    }

    /// <summary>
    /// The scoring half of document completion for document d = group of a scored chunk:
    /// <code>ll_d = Σ_i n_di · ln max(Σ_k θ_dk λ_{w_di,k} / Σ_v λ_vk, ε),  θ_d = γ_d / Σ_k γ_dk,  ε = double.Epsilon</code>
    /// (E[β_kw] = λ_wk / Σ_v λ_vk). As in the local step, one warp takes one token and its lanes read
    /// the term's K contiguous floats of λ; θ_k / Σ_v λ_vk is formed once per document in shared
    /// memory. An empty document scores 0.
    /// </summary>
    public static void CompletionLogLikelihood(
        BatchView batch,                 // CSR chunk of the scored halves: D + 1 offsets, nnz term ids (< V) and counts
        ArrayView<float> lambda,         // λ: V×K, term-major
        ArrayView<double> rowSums,       // Σ_v λ_vk: K, summed in double
        ArrayView<float> gamma,          // γ: D×K, row-major
        ArrayView<double> logLikelihood, // out ll_d: D
        int topics)                      // K
    {
        int d = Grid.IdxX;
        int tid = Group.IdxX;
        int threads = Group.DimX;
        int lane = Warp.LaneIdx;
        int warpSize = Warp.WarpSize;
        int warps = threads / warpSize;
        int k = topics;
        int start = batch.DocumentOffsets[d];
        int end = batch.DocumentOffsets[d + 1];
        if (start == end)                                          // the same branch for the whole group
        {
            if (tid == 0) logLikelihood[d] = 0;
            return;
        }

        var shared = SharedMemory.GetDynamic<double>();
        var weight = shared.SubView(0, k);                         // θ_dk / Σ_v λ_vk: K
        var scratch = shared.SubView(k, warps);

        double partialGamma = 0;
        for (int t = tid; t < k; t += threads) partialGamma += gamma[d * k + t];
        double gammaSum = DeviceMath.GroupSum(partialGamma, scratch);
        for (int t = tid; t < k; t += threads) weight[t] = gamma[d * k + t] / gammaSum / rowSums[t];
        Group.Barrier();

        double part = 0;
        for (int i = start + Warp.WarpIdx; i < end; i += warps)
        {
            int row = batch.TermIds[i] * k;
            double dot = 0;
            for (int t = lane; t < k; t += warpSize) dot += weight[t] * lambda[row + t];
            double p = DeviceMath.WarpSum(dot);
            if (lane == 0) part += batch.Counts[i] * XMath.Log(XMath.Max(p, double.Epsilon));
        }
        double total = DeviceMath.GroupSum(part, scratch);
        if (tid == 0) logLikelihood[d] = total;
    }
}
