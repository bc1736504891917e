using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

internal sealed partial class CpuBackend
{
    /// <summary>
    /// The β part of the bound, <see cref="LdaMath.TopicWordBound"/>'s formula in one pass over λ: per chunk of terms, the
    /// entries' Σ [(η − λ_kw) ψ(λ_kw) + lnΓ(λ_kw)] with ψ and lnΓ of a vector computed together
    /// (<see cref="SpecialFunctions.DigammaLogGamma"/>: one shift, ln y shared, no call per vector) and each product and sum
    /// in double, and the chunk's column sums Σ_w λ_kw (<see cref="AddColumnSums"/>); chunks added in chunk order, so the
    /// result does not depend on the thread count. (The reference backend keeps <see cref="LdaMath.TopicWordBound"/>.)
    /// </summary>
    public double TopicWordBound(float eta)
    {
        if (MathMode != CpuMathMode.Fast) return LdaMath.TopicWordBound(_lambda, VocabularySize, Topics, eta, _threads);
        int k = Topics, v = VocabularySize, chunks = Chunks(v);
        var entries = new double[chunks];
        var columns = new double[chunks * k];
        Parallel.For(0, chunks, ParallelOptionsForThreads, c =>
        {
            int start = c * TermChunk * k, end = Math.Min(v, (c + 1) * TermChunk) * k;
            var rows = _lambda.AsSpan(start, end - start);
            entries[c] = EntryBound(rows, eta);
            AddColumnSums(rows, columns.AsSpan(c * k, k));
        });
        double bound = 0;
        foreach (double e in entries) bound += e;
        bound -= (double)v * k * SpecialFunctions.LogGamma((double)eta);
        return LdaMath.AddTopicSumTerms(bound, RowSums(columns), v, eta);
    }

    /// <summary>Σ (η − x) ψ(x) + lnΓ(x) over <paramref name="values"/>: whole vectors through
    /// <see cref="SpecialFunctions.DigammaLogGamma"/> when every value lies in its domain (checked first, so the loop has no
    /// branch out), the rest (a short tail, or a chunk with a value outside) in double.</summary>
    private static double EntryBound(ReadOnlySpan<float> values, float eta)
    {
        int width = Vector<float>.Count, whole = 0;
        var sum = Vector<double>.Zero;
        if (Vector.IsHardwareAccelerated && values.Length >= width
            && TensorPrimitives.Min(values) > SpecialFunctions.VectorArgumentFloor && TensorPrimitives.Max(values) < 1e30f)
        {
            whole = values.Length - values.Length % width;
            ref float x = ref MemoryMarshal.GetReference(values);
            var etaWide = new Vector<double>(eta);
            for (int at = 0; at < whole; at += width)
            {
                var z = Vector.LoadUnsafe(ref x, (nuint)at);
                SpecialFunctions.DigammaLogGamma(z, out var psi, out var logGamma);
                Vector.Widen(z, out var zLow, out var zHigh);
                Vector.Widen(psi, out var psiLow, out var psiHigh);
                Vector.Widen(logGamma, out var lgLow, out var lgHigh);
                sum += Vector.FusedMultiplyAdd(etaWide - zLow, psiLow, lgLow) + Vector.FusedMultiplyAdd(etaWide - zHigh, psiHigh, lgHigh);
            }
        }
        double total = Vector.Sum(sum);
        for (int i = whole; i < values.Length; i++)
            total += (eta - (double)values[i]) * SpecialFunctions.Digamma((double)values[i]) + SpecialFunctions.LogGamma((double)values[i]);
        return total;
    }
}
