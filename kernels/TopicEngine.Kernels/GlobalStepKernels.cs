using ILGPU;
using ILGPU.Algorithms;

namespace TopicEngine.Kernels;

/// <summary>
/// Kernels of the global step, two passes over the V×K model plus one over K:
/// (1) <see cref="BlendAndPartialRowSums"/>: λ ← (1 − ρ) λ + ρ (η + scale · s) (Hoffman et al.
/// 2010, eq. 7), s ← 0, and each group's share of the row sums Σ_w λ_kw, accumulated in double as on the host
/// (in float they err by about 10⁻⁴ relative at V = 10⁶);
/// (2) <see cref="DigammaOfRowSums"/>: Σ_w λ_kw and ψ of it from the partial sums, added in a fixed order;
/// (3) <see cref="ExpElogBeta"/>: expElogβ_wk = exp(ψ(λ_wk) − ψ(Σ_w λ_kw)).
/// Row sums are reduced without atomics, so the same device gives the same λ every run.
/// </summary>
internal static class GlobalStepKernels
{
    /// <summary>Rows of terms a group of <paramref name="threads"/> threads handles at once.</summary>
    public static int BlendRows(int topics, int threads) => Math.Max(1, threads / topics);

    /// <summary>Dynamic shared memory of <see cref="BlendAndPartialRowSums"/> in doubles: rows × K when
    /// several rows share a group (at most the group size), else one unused double.</summary>
    public static int BlendSharedDoubles(int topics, int threads) =>
        BlendRows(topics, threads) == 1 ? 1 : BlendRows(topics, threads) * topics;

    /// <summary>
    /// Group g blends terms [g·TermsPerGroup, (g+1)·TermsPerGroup) and writes Σ over them of the new
    /// λ_wk per topic into <paramref name="partialSums"/>[g·K + k]. Threads form rows × lanes: lane
    /// ↔ topic (group-strided when K exceeds the group), row ↔ term, so consecutive threads touch
    /// consecutive floats of the term-major buffers.
    /// </summary>
    public static void BlendAndPartialRowSums(
        ArrayView<float> lambda,         // λ: V×K, term-major, updated in place
        ArrayView<long> statistics,      // s · 2³²: V×K, term-major, fixed point, cleared
        ArrayView<double> partialSums,   // out: groups×K, this group's Σ_w λ_wk in double
        GlobalStepSettings settings)     // K, V, terms per group, ρ, η, scale
    {
        int g = Grid.IdxX;
        int tid = Group.IdxX;
        int threads = Group.DimX;
        int k = settings.Topics;
        int rows = XMath.Max(1, threads / k);
        int lanes = XMath.Min(k, threads);
        int row = tid / lanes;
        int lane = tid - row * lanes;
        int first = g * settings.TermsPerGroup;
        int last = XMath.Min(first + settings.TermsPerGroup, settings.VocabularySize);
        float keep = 1f - settings.Rho;

        var sums = SharedMemory.GetDynamic<double>();               // rows×K when rows > 1
        if (row < rows)
        {
            for (int t = lane; t < k; t += lanes)
            {
                double sum = 0;
                for (int w = first + row; w < last; w += rows)
                {
                    int i = w * k + t;
                    float value = keep * lambda[i] + settings.Rho * (settings.Eta + settings.Scale * (statistics[i] * DeviceMath.InverseStatisticsScale));
                    lambda[i] = value;
                    statistics[i] = 0;
                    sum += value;
                }
                if (rows == 1) partialSums[g * k + t] = sum;
                else sums[row * k + t] = sum;
            }
        }
        if (rows > 1)
        {
            Group.Barrier();
            for (int t = tid; t < k; t += threads)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++) sum += sums[r * k + t];
                partialSums[g * k + t] = sum;
            }
        }
    }

    /// <summary>Σ_w λ_wk and ψ(Σ_w λ_wk) for topic k = index, summing the groups' partial sums in
    /// group order in double. The row sums stay on the device for the model sums (<see cref="ModelSumKernels"/>).</summary>
    public static void DigammaOfRowSums(
        Index1D topic,                   // k
        ArrayView<double> partialSums,   // groups×K
        ArrayView<double> rowSums,       // out Σ_w λ_wk: K
        ArrayView<float> psiRowSums,     // out ψ(Σ_w λ_wk): K
        int topics,                      // K
        int groups)                      // number of partial rows
    {
        double sum = 0;
        for (int g = 0; g < groups; g++) sum += partialSums[g * topics + topic];
        rowSums[topic] = sum;
        psiRowSums[topic] = DeviceMath.Digamma((float)sum);
    }

    /// <summary>expElogβ_wk = exp(ψ(λ_wk) − ψ(Σ_w λ_wk)), one thread per element.</summary>
    public static void ExpElogBeta(
        Index1D index,                   // w·K + k
        ArrayView<float> lambda,         // λ: V×K, term-major
        ArrayView<float> psiRowSums,     // ψ(Σ_w λ_wk): K
        ArrayView<float> expElogBeta,    // out: V×K, term-major
        int topics)                      // K
    {
        expElogBeta[index] = XMath.Exp(DeviceMath.Digamma(lambda[index]) - psiRowSums[index % topics]);
    }
}
