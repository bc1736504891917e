using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

internal sealed partial class CpuBackend
{
    /// <summary>Per-worker buffers, rented once per worker per call and grown only for a longer document.</summary>
    private sealed class DocumentScratch
    {
        public DocumentScratch(int topics)
        {
            PaddedTopics = Pad(topics);
            Gamma = new float[PaddedTopics];
            Gamma.AsSpan(topics).Fill(1f);                 // lanes K..Kp stay 1: finite ψ, no change
            Alpha = new float[PaddedTopics];
            Alpha.AsSpan(topics).Fill(1f);                 // so that γ = α + exp(Elogθ)·acc keeps those lanes at 1
            Accumulator = new float[PaddedTopics];
            ElogTheta = new float[PaddedTopics];
            ExpElogTheta = new float[PaddedTopics]; // lanes K..Kp stay 0
            ElogThetaPrecise = new double[topics];
        }

        /// <summary>K rounded up to whole SIMD vectors; gathered rows are zero-padded to it.</summary>
        public int PaddedTopics { get; }
        /// <summary>E: the document's rows of expElogβ, W_d×Kp row-major, lanes K..Kp zero.</summary>
        public float[] Rows { get; private set; } = [];
        /// <summary>Rows that <see cref="Rows"/> can hold.</summary>
        public int Capacity { get; private set; }
        /// <summary>γ: Kp, lanes K..Kp fixed at 1 (so ψ runs over whole vectors, no scalar tail).</summary>
        public float[] Gamma { get; }
        /// <summary>α: Kp, lanes K..Kp 1 (filled per document).</summary>
        public float[] Alpha { get; }
        public float[] Accumulator { get; }
        public float[] ElogTheta { get; }
        public float[] ExpElogTheta { get; }
        public double[] ElogThetaPrecise { get; }

        public static int Pad(int topics) => (topics + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

        public void EnsureCapacity(int terms)
        {
            if (Capacity >= terms) return;
            Capacity = Math.Max(terms, Capacity * 2);
            Rows = new float[Capacity * PaddedTopics];
        }
    }

    /// <summary>
    /// The local step of one document (the contract's formulas, see <see cref="ILdaBackend"/>):
    /// γ ← 1 (or, with <c>warm</c>, the row of <c>gammaOut</c> the caller filled with the initial γ); repeat Elogθ = ψ(γ) − ψ(Σγ); φnorm_w = Σ_k exp(Elogθ_k) expElogβ_kw;
    /// γ_k = α_k + exp(Elogθ_k) Σ_w n_w expElogβ_kw / φnorm_w; until mean |Δγ| &lt; tolerance.
    /// <para>For the statistics it leaves, per document, exp(Elogθ) of the final γ in <paramref name="expElogThetaOut"/>
    /// (DocumentCount×K) and n_w / φnorm_w per non-zero in <paramref name="ratiosOut"/> (aligned with the batch's terms);
    /// <see cref="TermStatistics.Add"/> then folds them into s_kw by terms.</para>
    /// </summary>
    private readonly struct DocumentEStep(SparseBatch? batch, float[] alpha, LocalStepOptions options, ExpElogBetaRows expElogBeta,
        float[] gammaOut, int topics, CpuMathMode mathMode, bool computeBound, double logGammaAlphaTerm, bool warm,
        float[]? expElogThetaOut = null, float[]? ratiosOut = null)
    {
        /// <summary>Runs document <paramref name="d"/>; leaves what the statistics need when the step has their buffers
        /// and adds its bound into <paramref name="bound"/> when requested. Returns the iterations taken.</summary>
        public long Invoke(int d, DocumentScratch scratch, ref double bound)
        {
            int offset = batch!.DocumentOffsets[d], length = batch.DocumentOffsets[d + 1] - offset;
            return Invoke(batch.DocumentTerms(d), batch.DocumentCounts(d), gammaOut.AsSpan(d * topics, topics), scratch,
                expElogThetaOut is null ? default : expElogThetaOut.AsSpan(d * topics, topics),
                ratiosOut is null ? default : ratiosOut.AsSpan(offset, length), ref bound);
        }

        /// <summary>Runs one document given by its ids (ascending) and counts, writing its γ into <paramref name="gammaRow"/>
        /// (the path of <see cref="LocalStepDocument"/>, which has no batch). With <c>warm</c> the iterations start from
        /// <paramref name="gammaRow"/>'s content, else from 1. With non-empty <paramref name="expElogThetaRow"/>
        /// and <paramref name="ratios"/> leaves exp(Elogθ) and n_w / φnorm_w there for the statistics.</summary>
        public long Invoke(ReadOnlySpan<int> ids, ReadOnlySpan<float> counts, Span<float> gammaRow, DocumentScratch scratch,
            Span<float> expElogThetaRow, Span<float> ratios, ref double bound)
        {
            bool statistics = !ratios.IsEmpty;
            int k = topics, kp = scratch.PaddedTopics;
            int n = ids.Length;
            if (n == 0)
            {
                alpha.CopyTo(gammaRow); // γ = α: the document's bound terms cancel to 0
                if (!expElogThetaRow.IsEmpty) expElogThetaRow.Clear();
                return 0;
            }

            var rows = scratch.Rows.AsSpan(0, n * kp);                // E: W_d×Kp, zero-padded
            for (int i = 0; i < n; i++)
            {
                expElogBeta.CopyRow(ids[i], rows.Slice(i * kp, k));
                rows.Slice(i * kp + k, kp - k).Clear();
            }
            var gamma = scratch.Gamma.AsSpan(0, k);
            var acc = scratch.Accumulator.AsSpan();
            var expElogTheta = scratch.ExpElogTheta.AsSpan();
            alpha.CopyTo(scratch.Alpha, 0);

            if (warm) gammaRow.CopyTo(gamma);
            else gamma.Fill(1f);
            ExpectedLogTheta(scratch);
            long iterations = 0;
            while (iterations < options.MaxIterations)
            {
                iterations++;
                // φnorm = E·exp(Elogθ); acc = Eᵀ (n/φnorm), fused in one sweep over E
                FusedPhiNormSweep(rows, n, kp, expElogTheta, counts, acc);
                // γ = α + exp(Elogθ) ⊙ acc, and Σ_k |Δγ_k| in the same sweep
                float change = UpdateGamma(scratch.Alpha, expElogTheta, acc, scratch.Gamma);
                ExpectedLogTheta(scratch);
                if (change / k < options.Tolerance) break;
            }
            gamma.CopyTo(gammaRow);

            if (!statistics && !computeBound) return iterations;
            // final φnorm with exp(Elogθ) of the final γ
            double documentBound = 0;
            if (statistics) expElogTheta[..k].CopyTo(expElogThetaRow);
            for (int i = 0; i < n; i++)
            {
                var row = rows.Slice(i * kp, k);
                float norm = TensorPrimitives.Dot(row, expElogTheta[..k]) + LdaMath.PhiNormFloor;
                if (computeBound) documentBound += counts[i] * Math.Log(norm);
                // s_kw += n_w exp(Elogθ_k) expElogβ_kw / φnorm_w: the ratio now, the rest in AddStatistics and the global step
                if (statistics) ratios[i] = counts[i] / norm;
            }
            if (computeBound)
            {
                // Σ_k (α_k − γ_k) Elogθ_k + lnΓ(γ_k) − lnΓ(α_k) + lnΓ(Σα) − lnΓ(Σγ), in double
                var elog = scratch.ElogThetaPrecise.AsSpan();
                LdaMath.DirichletExpectation(gamma, elog);
                double gammaSum = 0;
                for (int t = 0; t < k; t++)
                {
                    gammaSum += gamma[t];
                    documentBound += (alpha[t] - (double)gamma[t]) * elog[t] + SpecialFunctions.LogGamma((double)gamma[t]);
                }
                documentBound += logGammaAlphaTerm - SpecialFunctions.LogGamma(gammaSum);
                bound += documentBound;
            }
            return iterations;
        }

        /// <summary>
        /// One sweep over the gathered rows: φnorm_i = E_i · x + floor, then acc += (n_i / φnorm_i) E_i while
        /// E_i is still in L1. Rows and x are zero-padded to Kp (whole vectors), so there is no tail.
        /// </summary>
        private static void FusedPhiNormSweep(ReadOnlySpan<float> rows, int n, int kp, ReadOnlySpan<float> x,
            ReadOnlySpan<float> counts, Span<float> acc)
        {
            int width = Vector<float>.Count, vectors = kp / width;
            ref float e = ref MemoryMarshal.GetReference(rows);
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float a = ref MemoryMarshal.GetReference(acc);
            acc.Clear();
            for (int i = 0; i < n; i++)
            {
                nuint row = (nuint)(i * kp);
                var dot0 = Vector<float>.Zero;
                var dot1 = Vector<float>.Zero;
                int v = 0;
                for (; v + 1 < vectors; v += 2)
                {
                    nuint at = (nuint)(v * width);
                    dot0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + at), Vector.LoadUnsafe(ref xs, at), dot0);
                    dot1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + at + (nuint)width), Vector.LoadUnsafe(ref xs, at + (nuint)width), dot1);
                }
                if (v < vectors)
                {
                    nuint at = (nuint)(v * width);
                    dot0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + at), Vector.LoadUnsafe(ref xs, at), dot0);
                }
                var ratio = new Vector<float>(counts[i] / (Vector.Sum(dot0 + dot1) + LdaMath.PhiNormFloor));
                for (v = 0; v < vectors; v++)
                {
                    nuint at = (nuint)(v * width);
                    Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + at), ratio, Vector.LoadUnsafe(ref a, at)).StoreUnsafe(ref a, at);
                }
            }
        }

        /// <summary>
        /// γ_k ← α_k + exp(Elogθ_k) · acc_k over the Kp lanes (whole vectors; lanes K..Kp keep 1), returning Σ_k |Δγ_k|:
        /// one pass instead of a copy of the old γ, the update, a subtraction and a sum of magnitudes.
        /// </summary>
        private static float UpdateGamma(ReadOnlySpan<float> alphaPadded, ReadOnlySpan<float> expElogTheta, ReadOnlySpan<float> acc, Span<float> gamma)
        {
            int width = Vector<float>.Count;
            ref float a = ref MemoryMarshal.GetReference(alphaPadded);
            ref float e = ref MemoryMarshal.GetReference(expElogTheta);
            ref float s = ref MemoryMarshal.GetReference(acc);
            ref float g = ref MemoryMarshal.GetReference(gamma);
            var change = Vector<float>.Zero;
            for (nuint at = 0; at < (nuint)gamma.Length; at += (nuint)width)
            {
                var updated = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, at), Vector.LoadUnsafe(ref s, at), Vector.LoadUnsafe(ref a, at));
                change += Vector.Abs(updated - Vector.LoadUnsafe(ref g, at));
                updated.StoreUnsafe(ref g, at);
            }
            return Vector.Sum(change);
        }

        /// <summary>Elogθ = ψ(γ) − ψ(Σγ), exp(Elogθ), from the scratch's γ.</summary>
        private void ExpectedLogTheta(DocumentScratch scratch)
        {
            var gamma = scratch.Gamma.AsSpan(0, topics);
            if (mathMode == CpuMathMode.Fast)
            {
                var elog = scratch.ElogTheta.AsSpan(0, topics);
                float psiSum = SpecialFunctions.Digamma(TensorPrimitives.Sum(gamma));
                SpecialFunctions.Digamma(scratch.Gamma, scratch.ElogTheta);   // all Kp lanes: whole vectors, no scalar tail
                TensorPrimitives.Subtract(elog, psiSum, elog);
                TensorPrimitives.Exp(elog, scratch.ExpElogTheta.AsSpan(0, topics));
            }
            else
            {
                var elog = scratch.ElogThetaPrecise.AsSpan();
                LdaMath.DirichletExpectation(gamma, elog);
                for (int t = 0; t < elog.Length; t++) scratch.ExpElogTheta[t] = (float)Math.Exp(elog[t]);
            }
        }
    }
}
