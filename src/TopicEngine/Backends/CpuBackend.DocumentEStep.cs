using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
            Gamma = new float[PaddedTopics];               // γ, α and exp(Elogθ): padding lanes set per document (1, 1, 0)
            Alpha = new float[PaddedTopics];
            Accumulator = new float[PaddedTopics];
            ElogTheta = new float[PaddedTopics];
            ExpElogTheta = new float[PaddedTopics];
            ElogThetaPrecise = new double[topics];
            Topics = new int[topics];
            Kept = new int[topics];
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
        /// <summary>The topic each active lane holds (the identity until topics are pruned).</summary>
        public int[] Topics { get; }
        /// <summary>Scratch of the compaction of the active topics: the lanes it keeps.</summary>
        public int[] Kept { get; }

        public static int Pad(int topics) => (topics + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

        public void EnsureCapacity(int terms)
        {
            if (Capacity >= terms) return;
            Capacity = Math.Max(terms, Capacity * 2);
            Rows = new float[Capacity * PaddedTopics];
            Ratios = new float[Capacity];
        }

        /// <summary>n_w / φnorm_w of the current iteration, one per row.</summary>
        public float[] Ratios { get; private set; } = [];
    }

    /// <summary>
    /// The local step of one document (the contract's formulas, see <see cref="ILdaBackend"/>):
    /// γ ← 1 (or, with <c>warm</c>, the row of <c>gammaOut</c> the caller filled with the initial γ); repeat Elogθ = ψ(γ) − ψ(Σγ); φnorm_w = Σ_k exp(Elogθ_k) expElogβ_kw;
    /// γ_k = α_k + exp(Elogθ_k) Σ_w n_w expElogβ_kw / φnorm_w, over-relaxed after the first iterations
    /// (<see cref="LdaMath.RelaxedGamma"/>); until Σ|Δγ| / s_d &lt; tolerance (Δ of the plain update, s_d of
    /// <see cref="LdaMath.ChangeScale"/>).
    /// <para>Sparse topics: after an iteration, a topic whose γ_k has fallen to α_k (equal in float: exp(Elogθ_k)·acc_k is
    /// below half a unit in the last place of α_k) leaves the document's step with φ_·k = 0, its γ_k stays α_k and Σγ keeps
    /// its α_k. Its contribution to φnorm was already below float resolution, so the result is the dense step's up to
    /// rounding (the contract tests hold it to the reference), while the iterations that follow sweep only the topics left:
    /// a 20news document at K = 100 keeps about 10 of 100 after a few iterations. The rows are moved down to the topics
    /// left when that halves their width (moving costs about one sweep).</para>
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
        // Not precompiled (ReadyToRun): JIT-compiled at first use, so that the row gathering inlines the prefetch hints (in the
        // published build they were a call per row, 0.25 s of `perf` samples in a K = 100 20news fit; RESULTS §13n).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            const int ahead = 4;                                       // rows requested before they are copied
            for (int i = 0; i < Math.Min(ahead, n); i++) expElogBeta.Prefetch(ids[i]);
            for (int i = 0; i < n; i++)
            {
                if (i + ahead < n) expElogBeta.Prefetch(ids[i + ahead]);
                expElogBeta.CopyRow(ids[i], rows.Slice(i * kp, k));
                rows.Slice(i * kp + k, kp - k).Clear();
            }
            var topicsOf = scratch.Topics;                             // lane j holds topic topicsOf[j]
            for (int t = 0; t < k; t++) topicsOf[t] = t;
            var gammaLanes = scratch.Gamma.AsSpan();
            alpha.CopyTo(scratch.Alpha, 0);
            scratch.Alpha.AsSpan(k).Fill(1f);
            gammaLanes[k..].Fill(1f);
            scratch.ExpElogTheta.AsSpan(k).Clear();
            if (warm) gammaRow.CopyTo(gammaLanes);
            else gammaLanes[..k].Fill(1f);

            // The active topics (lanes 0..active of γ, α, exp(Elogθ) and of every row, padded to width): see "Sparse
            // topics" above.
            int active = k, width = kp;
            float prunedAlphaSum = 0;
            ExpectedLogTheta(scratch, active, width, prunedAlphaSum);
            long iterations = 0;
            float changeScale = options.ChangeScale(k, TensorPrimitives.Sum(counts));
            while (iterations < options.MaxIterations)
            {
                iterations++;
                var lanes = rows[..(n * width)];
                // φnorm = E·exp(Elogθ); acc = Eᵀ (n/φnorm)
                PhiNormSweep(lanes, n, width, scratch.ExpElogTheta.AsSpan(0, width), counts, scratch.Ratios.AsSpan(0, n), scratch.Accumulator.AsSpan(0, width));
                // T = α + exp(Elogθ) ⊙ acc, γ ← T or, after the first iterations, its over-relaxed form
                // (LdaMath.RelaxedGamma), and Σ_k |T_k − γ_k| in the same sweep (pruned topics do not change)
                float omega = iterations > LdaMath.PlainIterations ? options.Relaxation : 1f;
                float change = omega == 1f
                    ? UpdateGamma(scratch.Alpha.AsSpan(0, width), scratch.ExpElogTheta.AsSpan(0, width), scratch.Accumulator.AsSpan(0, width), gammaLanes[..width])
                    : UpdateGammaRelaxed(scratch.Alpha.AsSpan(0, width), scratch.ExpElogTheta.AsSpan(0, width), scratch.Accumulator.AsSpan(0, width), gammaLanes[..width], omega);
                bool converged = change / changeScale < options.Tolerance;
                if (!converged) Compact(ref active, ref width, ref prunedAlphaSum, rows, n, scratch);
                ExpectedLogTheta(scratch, active, width, prunedAlphaSum);
                if (converged) break;
            }
            var gamma = gammaLanes[..active];
            var expElogTheta = scratch.ExpElogTheta.AsSpan(0, active);
            alpha.CopyTo(gammaRow);
            for (int j = 0; j < active; j++) gammaRow[topicsOf[j]] = gamma[j];

            if (!statistics && !computeBound) return iterations;
            // final φnorm with exp(Elogθ) of the final γ
            double documentBound = 0;
            if (statistics)
            {
                expElogThetaRow.Clear();                               // pruned topics: φ_·k = 0
                for (int j = 0; j < active; j++) expElogThetaRow[topicsOf[j]] = expElogTheta[j];
            }
            // s_kw += n_w exp(Elogθ_k) expElogβ_kw / φnorm_w: the ratio now, the rest in AddStatistics and the global step
            if (!computeBound) RowRatios(rows[..(n * width)], n, width, scratch.ExpElogTheta.AsSpan(0, width), counts, ratios);
            else
                for (int i = 0; i < n; i++)
                {
                    var row = rows.Slice(i * width, active);
                    float norm = TensorPrimitives.Dot(row, expElogTheta) + LdaMath.PhiNormFloor;
                    documentBound += counts[i] * Math.Log(norm);
                    if (statistics) ratios[i] = counts[i] / norm;
                }
            if (computeBound)
            {
                // Σ_k (α_k − γ_k) Elogθ_k + lnΓ(γ_k) − lnΓ(α_k) + lnΓ(Σα) − lnΓ(Σγ), in double
                var elog = scratch.ElogThetaPrecise.AsSpan();
                LdaMath.DirichletExpectation(gammaRow, elog);
                double gammaSum = 0;
                for (int t = 0; t < k; t++)
                {
                    gammaSum += gammaRow[t];
                    documentBound += (alpha[t] - (double)gammaRow[t]) * elog[t] + SpecialFunctions.LogGamma((double)gammaRow[t]);
                }
                documentBound += logGammaAlphaTerm - SpecialFunctions.LogGamma(gammaSum);
                bound += documentBound;
            }
            return iterations;
        }

        /// <summary>
        /// Two sweeps over the gathered rows: φnorm_i = E_i · x + floor and r_i = n_i / φnorm_i for every row (independent
        /// dot products, with AVX eight rows reduced across lanes at once), then acc = Σ_i r_i E_i with the accumulator held in registers, a block of four vectors at a
        /// time. Rows and x are zero-padded to whole vectors, so there is no tail.
        /// </summary>
        private static void PhiNormSweep(ReadOnlySpan<float> rows, int n, int kp, ReadOnlySpan<float> x,
            ReadOnlySpan<float> counts, Span<float> ratios, Span<float> acc)
        {
            RowRatios(rows, n, kp, x, counts, ratios);
            int width = Vector<float>.Count, vectors = kp / width;
            ref float e = ref MemoryMarshal.GetReference(rows);
            ref float r = ref MemoryMarshal.GetReference(ratios);
            ref float a = ref MemoryMarshal.GetReference(acc);
            // acc = Σ_i r_i E_i, a block of up to four vectors at a time. An FMA's result is ready some cycles after it
            // issues, so one chain of FMAs down the rows waits on itself: the rows are taken two or four at a time into
            // separate accumulators (eight chains where the block allows, added together at the end), which keeps the FMA
            // units busy at the narrow widths most iterations run at (one or two vectors once a document's topics are compacted).
            for (int v = 0; v < vectors; v += 4)
            {
                int block = Math.Min(4, vectors - v);
                nuint at = (nuint)(v * width);
                nuint stride = (nuint)kp;
                int i = 0;
                switch (block)
                {
                    case 1:
                    {
                        var s0 = Vector<float>.Zero; var s1 = Vector<float>.Zero; var s2 = Vector<float>.Zero; var s3 = Vector<float>.Zero;
                        for (; i + 4 <= n; i += 4)
                        {
                            nuint row = (nuint)i * stride + at;
                            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row), new Vector<float>(Unsafe.Add(ref r, i)), s0);
                            s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride), new Vector<float>(Unsafe.Add(ref r, i + 1)), s1);
                            s2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + 2 * stride), new Vector<float>(Unsafe.Add(ref r, i + 2)), s2);
                            s3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + 3 * stride), new Vector<float>(Unsafe.Add(ref r, i + 3)), s3);
                        }
                        for (; i < n; i++)
                            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, (nuint)i * stride + at), new Vector<float>(Unsafe.Add(ref r, i)), s0);
                        ((s0 + s1) + (s2 + s3)).StoreUnsafe(ref a, at);
                        break;
                    }
                    case 2:
                    {
                        var s0 = Vector<float>.Zero; var s1 = Vector<float>.Zero; var t0 = Vector<float>.Zero; var t1 = Vector<float>.Zero;
                        var u0 = Vector<float>.Zero; var u1 = Vector<float>.Zero; var w0 = Vector<float>.Zero; var w1 = Vector<float>.Zero;
                        for (; i + 4 <= n; i += 4)
                        {
                            nuint row = (nuint)i * stride + at;
                            var r0 = new Vector<float>(Unsafe.Add(ref r, i));
                            var r1 = new Vector<float>(Unsafe.Add(ref r, i + 1));
                            var r2 = new Vector<float>(Unsafe.Add(ref r, i + 2));
                            var r3 = new Vector<float>(Unsafe.Add(ref r, i + 3));
                            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row), r0, s0);
                            s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)width), r0, s1);
                            t0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride), r1, t0);
                            t1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride + (nuint)width), r1, t1);
                            u0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + 2 * stride), r2, u0);
                            u1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + 2 * stride + (nuint)width), r2, u1);
                            w0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + 3 * stride), r3, w0);
                            w1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + 3 * stride + (nuint)width), r3, w1);
                        }
                        for (; i < n; i++)
                        {
                            nuint row = (nuint)i * stride + at;
                            var ri = new Vector<float>(Unsafe.Add(ref r, i));
                            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row), ri, s0);
                            s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)width), ri, s1);
                        }
                        ((s0 + t0) + (u0 + w0)).StoreUnsafe(ref a, at);
                        ((s1 + t1) + (u1 + w1)).StoreUnsafe(ref a, at + (nuint)width);
                        break;
                    }
                    case 3:
                    {
                        var s0 = Vector<float>.Zero; var s1 = Vector<float>.Zero; var s2 = Vector<float>.Zero;
                        var t0 = Vector<float>.Zero; var t1 = Vector<float>.Zero; var t2 = Vector<float>.Zero;
                        for (; i + 2 <= n; i += 2)
                        {
                            nuint row = (nuint)i * stride + at;
                            var r0 = new Vector<float>(Unsafe.Add(ref r, i));
                            var r1 = new Vector<float>(Unsafe.Add(ref r, i + 1));
                            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row), r0, s0);
                            s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)width), r0, s1);
                            s2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)(2 * width)), r0, s2);
                            t0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride), r1, t0);
                            t1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride + (nuint)width), r1, t1);
                            t2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride + (nuint)(2 * width)), r1, t2);
                        }
                        if (i < n)
                        {
                            nuint row = (nuint)i * stride + at;
                            var ri = new Vector<float>(Unsafe.Add(ref r, i));
                            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row), ri, s0);
                            s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)width), ri, s1);
                            s2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)(2 * width)), ri, s2);
                        }
                        (s0 + t0).StoreUnsafe(ref a, at);
                        (s1 + t1).StoreUnsafe(ref a, at + (nuint)width);
                        (s2 + t2).StoreUnsafe(ref a, at + (nuint)(2 * width));
                        break;
                    }
                    default:
                    {
                        var s0 = Vector<float>.Zero; var s1 = Vector<float>.Zero; var s2 = Vector<float>.Zero; var s3 = Vector<float>.Zero;
                        var t0 = Vector<float>.Zero; var t1 = Vector<float>.Zero; var t2 = Vector<float>.Zero; var t3 = Vector<float>.Zero;
                        for (; i + 2 <= n; i += 2)
                        {
                            nuint row = (nuint)i * stride + at;
                            var r0 = new Vector<float>(Unsafe.Add(ref r, i));
                            var r1 = new Vector<float>(Unsafe.Add(ref r, i + 1));
                            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row), r0, s0);
                            s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)width), r0, s1);
                            s2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)(2 * width)), r0, s2);
                            s3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)(3 * width)), r0, s3);
                            t0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride), r1, t0);
                            t1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride + (nuint)width), r1, t1);
                            t2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride + (nuint)(2 * width)), r1, t2);
                            t3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + stride + (nuint)(3 * width)), r1, t3);
                        }
                        if (i < n)
                        {
                            nuint row = (nuint)i * stride + at;
                            var ri = new Vector<float>(Unsafe.Add(ref r, i));
                            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row), ri, s0);
                            s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)width), ri, s1);
                            s2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)(2 * width)), ri, s2);
                            s3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, row + (nuint)(3 * width)), ri, s3);
                        }
                        (s0 + t0).StoreUnsafe(ref a, at);
                        (s1 + t1).StoreUnsafe(ref a, at + (nuint)width);
                        (s2 + t2).StoreUnsafe(ref a, at + (nuint)(2 * width));
                        (s3 + t3).StoreUnsafe(ref a, at + (nuint)(3 * width));
                        break;
                    }
                }
            }
        }

        /// <summary>
        /// r_i = n_i / (E_i · x + floor) for every gathered row (independent dot products; with AVX eight rows reduced across
        /// lanes at once), written as the rows' dot products come out (the same two roundings as adding the floor and dividing
        /// over the whole span afterwards). Rows and x are zero-padded to whole vectors, so there is no tail.
        /// </summary>
        private static void RowRatios(ReadOnlySpan<float> rows, int n, int kp, ReadOnlySpan<float> x, ReadOnlySpan<float> counts, Span<float> ratios)
        {
            int vectors = kp / Vector<float>.Count;
            ref float e = ref MemoryMarshal.GetReference(rows);
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float r = ref MemoryMarshal.GetReference(ratios);
            ref float c = ref MemoryMarshal.GetReference(counts);
            int row8 = 0;
            if (Avx.IsSupported && Vector<float>.Count == Vector256<float>.Count)
            {
                // eight rows at a time: their products reduced across lanes together (one transpose-add tree instead
                // of eight horizontal sums)
                var floor = Vector256.Create(LdaMath.PhiNormFloor);
                for (; row8 + 8 <= n; row8 += 8)
                {
                    int i = row8;
                    var norms = HorizontalSums(RowProduct(ref e, (nuint)(i * kp), ref xs, vectors), RowProduct(ref e, (nuint)((i + 1) * kp), ref xs, vectors),
                        RowProduct(ref e, (nuint)((i + 2) * kp), ref xs, vectors), RowProduct(ref e, (nuint)((i + 3) * kp), ref xs, vectors),
                        RowProduct(ref e, (nuint)((i + 4) * kp), ref xs, vectors), RowProduct(ref e, (nuint)((i + 5) * kp), ref xs, vectors),
                        RowProduct(ref e, (nuint)((i + 6) * kp), ref xs, vectors), RowProduct(ref e, (nuint)((i + 7) * kp), ref xs, vectors));
                    (Vector256.LoadUnsafe(ref c, (nuint)i) / (norms + floor)).StoreUnsafe(ref r, (nuint)i);
                }
            }
            for (int i = row8; i < n; i++)
                Unsafe.Add(ref r, i) = Unsafe.Add(ref c, i) / (Vector.Sum(RowProduct(ref e, (nuint)(i * kp), ref xs, vectors)) + LdaMath.PhiNormFloor);
        }

        /// <summary>E_i ⊙ x summed over the row's vectors (lanes not yet added together).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<float> RowProduct(ref float e, nuint row, ref float xs, int vectors)
        {
            int width = Vector<float>.Count;
            var dot0 = Vector.LoadUnsafe(ref e, row) * Vector.LoadUnsafe(ref xs);
            if (vectors == 1) return dot0;
            var dot1 = Vector.LoadUnsafe(ref e, row + (nuint)width) * Vector.LoadUnsafe(ref xs, (nuint)width);
            int v = 2;
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
            return dot0 + dot1;
        }

        /// <summary>The lane sums of eight 256-bit vectors, as one vector (AVX horizontal adds, then the two halves).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> HorizontalSums(Vector<float> a0, Vector<float> a1, Vector<float> a2, Vector<float> a3,
            Vector<float> a4, Vector<float> a5, Vector<float> a6, Vector<float> a7)
        {
            var h01 = Avx.HorizontalAdd(a0.AsVector256(), a1.AsVector256());   // a0 01 23, a1 01 23 | a0 45 67, a1 45 67
            var h23 = Avx.HorizontalAdd(a2.AsVector256(), a3.AsVector256());
            var h45 = Avx.HorizontalAdd(a4.AsVector256(), a5.AsVector256());
            var h67 = Avx.HorizontalAdd(a6.AsVector256(), a7.AsVector256());
            var h0123 = Avx.HorizontalAdd(h01, h23);                              // a0..a3 lanes 0-3 | a0..a3 lanes 4-7
            var h4567 = Avx.HorizontalAdd(h45, h67);
            return Avx.Permute2x128(h0123, h4567, 0x20) + Avx.Permute2x128(h0123, h4567, 0x31);
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

        /// <summary>
        /// The over-relaxed form of <see cref="UpdateGamma"/> (<see cref="LdaMath.RelaxedGamma"/>): T_k = α_k + exp(Elogθ_k) · acc_k,
        /// γ_k ← max(γ_k + ω (T_k − γ_k), (α_k + T_k) / 2), returning Σ_k |T_k − γ_k| (the plain step's change, which the stopping test
        /// reads). Padding lanes keep 1 (α = 1, exp(Elogθ) = 0 there, so T = γ = 1).
        /// </summary>
        private static float UpdateGammaRelaxed(ReadOnlySpan<float> alphaPadded, ReadOnlySpan<float> expElogTheta, ReadOnlySpan<float> acc, Span<float> gamma, float omega)
        {
            int width = Vector<float>.Count;
            ref float a = ref MemoryMarshal.GetReference(alphaPadded);
            ref float e = ref MemoryMarshal.GetReference(expElogTheta);
            ref float s = ref MemoryMarshal.GetReference(acc);
            ref float g = ref MemoryMarshal.GetReference(gamma);
            var change = Vector<float>.Zero;
            var w = new Vector<float>(omega);
            var half = new Vector<float>(0.5f);
            for (nuint at = 0; at < (nuint)gamma.Length; at += (nuint)width)
            {
                var floor = Vector.LoadUnsafe(ref a, at);
                var plain = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref e, at), Vector.LoadUnsafe(ref s, at), floor);
                var old = Vector.LoadUnsafe(ref g, at);
                var step = plain - old;
                change += Vector.Abs(step);
                Vector.Max(Vector.FusedMultiplyAdd(w, step, old), (floor + plain) * half).StoreUnsafe(ref g, at);
            }
            return Vector.Sum(change);
        }

        /// <summary>
        /// Drops the topics whose γ has fallen to α from the active lanes and, when that halves the width, moves the rows
        /// and the per-topic lanes down to the topics left (in place: every value moves to a lower index).
        /// </summary>
        private static void Compact(ref int active, ref int width, ref float prunedAlphaSum, Span<float> rows, int n, DocumentScratch scratch)
        {
            var gamma = scratch.Gamma;
            var alpha = scratch.Alpha;
            // Count first, in whole vectors (lanes from `active` to `width` are padding, γ = α = 1, and count as dropped):
            // most calls move nothing, and then the lane-by-lane walk below is not needed.
            ref float g = ref MemoryMarshal.GetReference(gamma.AsSpan());
            ref float al = ref MemoryMarshal.GetReference(alpha.AsSpan());
            var equal = Vector<int>.Zero;                              // −1 per lane where γ = α
            for (int v = 0; v < width; v += Vector<float>.Count)
                equal += Vector.Equals(Vector.LoadUnsafe(ref g, (nuint)v), Vector.LoadUnsafe(ref al, (nuint)v));
            int staying = width + Vector.Sum(equal);
            // Moving the rows costs about one sweep: do it only when it halves the sweeps to come. (No lane left: every
            // γ is at α, the document has no evidence for any topic; keep the lanes as they are.)
            if (staying == 0 || 2 * DocumentScratch.Pad(staying) > width) return;
            var stay = scratch.Kept;                                   // the lanes that stay, ascending
            int left = 0;
            float pruned = prunedAlphaSum;                            // with the α of the lanes dropped now, kept if they are
            for (int j = 0; j < active; j++)
            {
                if (gamma[j] != alpha[j]) stay[left++] = j;
                else pruned += alpha[j];
            }
            int leftWidth = DocumentScratch.Pad(left);
            prunedAlphaSum = pruned;
            var topicsOf = scratch.Topics;
            var keep = stay.AsSpan(0, left);
            MoveRows(rows, n, width, keep, leftWidth);
            for (int j = 0; j < left; j++)
            {
                int old = keep[j];
                gamma[j] = gamma[old];
                alpha[j] = alpha[old];
                topicsOf[j] = topicsOf[old];
            }
            gamma.AsSpan(left, leftWidth - left).Fill(1f);             // padding lanes: finite ψ, no change
            alpha.AsSpan(left, leftWidth - left).Fill(1f);
            scratch.ExpElogTheta.AsSpan(left, leftWidth - left).Clear();
            active = left;
            width = leftWidth;
        }

        /// <summary>Moves every row's lanes <paramref name="keep"/> (ascending) to the row's start at the new width, zero
        /// after them, in place: a lane only ever moves to a lower index, and row i's new place ends before row i + 1's old
        /// one begins. With AVX-512 rows of up to 64 lanes are permuted in registers (vpermt2ps); otherwise, with AVX2, a vector of
        /// eight kept lanes is gathered at once (a masked gather, the padding left 0). Both only copy: γ is the same either way.</summary>
        private static unsafe void MoveRows(Span<float> rows, int n, int width, ReadOnlySpan<int> keep, int leftWidth)
        {
            int left = keep.Length;
            int first = 0;   // rows before it are moved
            if (width <= 64 && Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
            {
                // A row of at most 64 lanes is four 512-bit registers (two at most 32): each 16 lanes out are one
                // two-source permute (vpermt2ps) of lanes 0–31, and of 32–63 with a select, instead of two gathers. A row of
                // fewer lanes reads into the next rows, which no index selects and which are not yet overwritten (rows move
                // down); the rows whose read would pass the buffer's end are left to the gathers below.
                int span = width <= 32 ? 32 : 64;
                first = rows.Length < span ? 0 : Math.Min(n, (rows.Length - span) / width + 1);
                Span<int> indices = stackalloc int[32];
                indices.Clear();
                keep.CopyTo(indices);
                var index0 = Vector512.Create<int>(indices);
                var index1 = Vector512.Create<int>(indices[16..]);
                var upper0 = Vector512.GreaterThan(index0, Vector512.Create(31)).AsSingle();
                var upper1 = Vector512.GreaterThan(index1, Vector512.Create(31)).AsSingle();
                var inside0 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(left)).AsSingle();
                var inside1 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(left - 16)).AsSingle();
                fixed (float* e = rows)
                {
                    if (width <= 32)   // leftWidth ≤ 16: one permute per row
                        for (int i = 0; i < first; i++)
                        {
                            float* from = e + (long)i * width, to = e + (long)i * leftWidth;
                            var moved = Avx512F.PermuteVar16x32x2(Avx512F.LoadVector512(from), index0, Avx512F.LoadVector512(from + 16)) & inside0;
                            if (leftWidth == 16) Avx512F.Store(to, moved);
                            else Avx.Store(to, moved.GetLower());
                        }
                    else               // leftWidth ≤ 32
                        for (int i = 0; i < first; i++)
                        {
                            float* from = e + (long)i * width, to = e + (long)i * leftWidth;
                            var z0 = Avx512F.LoadVector512(from);
                            var z1 = Avx512F.LoadVector512(from + 16);
                            var z2 = Avx512F.LoadVector512(from + 32);
                            var z3 = Avx512F.LoadVector512(from + 48);
                            var out0 = Vector512.ConditionalSelect(upper0, Avx512F.PermuteVar16x32x2(z2, index0, z3), Avx512F.PermuteVar16x32x2(z0, index0, z1)) & inside0;
                            if (leftWidth <= 16)
                            {
                                if (leftWidth == 16) Avx512F.Store(to, out0);
                                else Avx.Store(to, out0.GetLower());
                                continue;
                            }
                            var out1 = Vector512.ConditionalSelect(upper1, Avx512F.PermuteVar16x32x2(z2, index1, z3), Avx512F.PermuteVar16x32x2(z0, index1, z1)) & inside1;
                            Avx512F.Store(to, out0);
                            if (leftWidth == 32) Avx512F.Store(to + 16, out1);
                            else Avx.Store(to + 16, out1.GetLower());
                        }
                }
            }
            if (Avx2.IsSupported && Vector<float>.Count == Vector256<float>.Count)
            {
                int vectors = leftWidth / 8;
                Span<int> indices = stackalloc int[leftWidth];
                keep.CopyTo(indices);
                indices[left..].Clear();
                fixed (float* e = rows)
                fixed (int* k = indices)
                {
                    for (int i = first; i < n; i++)
                    {
                        float* from = e + (long)i * width, to = e + (long)i * leftWidth;
                        for (int v = 0; v < vectors; v++)
                        {
                            var index = Avx.LoadVector256(k + v * 8);
                            var mask = Avx2.CompareGreaterThan(Vector256.Create(left - v * 8), Vector256<int>.Indices).AsSingle();
                            Avx.Store(to + v * 8, Avx2.GatherMaskVector256(Vector256<float>.Zero, from, index, mask, 4));
                        }
                    }
                }
                return;
            }
            ref float r = ref MemoryMarshal.GetReference(rows);
            ref int kept = ref MemoryMarshal.GetReference(keep);
            for (int i = first; i < n; i++)
            {
                ref float from = ref Unsafe.Add(ref r, i * width);
                ref float to = ref Unsafe.Add(ref r, i * leftWidth);
                for (int j = 0; j < left; j++) Unsafe.Add(ref to, j) = Unsafe.Add(ref from, Unsafe.Add(ref kept, j));
                for (int j = left; j < leftWidth; j++) Unsafe.Add(ref to, j) = 0f;
            }
        }

        /// <summary>exp(Elogθ) = exp(ψ(γ) − ψ(Σγ)) over the scratch's active lanes (in the Fast mode as exp(ψ(γ)) · exp(−ψ(Σγ)),
        /// <see cref="SpecialFunctions.ExpDigamma"/>); Σγ adds the pruned topics' α.</summary>
        private void ExpectedLogTheta(DocumentScratch scratch, int active, int width, float prunedAlphaSum)
        {
            var gamma = scratch.Gamma.AsSpan(0, active);
            if (mathMode == CpuMathMode.Fast)
            {
                float psiSum = SpecialFunctions.Digamma(TensorPrimitives.Sum(gamma) + prunedAlphaSum);
                if (psiSum >= 0)
                {
                    // exp(ψ(γ_k)) · exp(−ψ(Σγ)) over whole vectors (SpecialFunctions.ExpDigamma), lanes from `active` on 0
                    var scale = new Vector<float>(MathF.Exp(-psiSum));
                    var activeLanes = new Vector<int>(active);
                    var floor = new Vector<float>(SpecialFunctions.VectorArgumentFloor);
                    var inDomain = new Vector<int>(-1);
                    ref float g = ref MemoryMarshal.GetReference(scratch.Gamma.AsSpan());
                    ref float x = ref MemoryMarshal.GetReference(scratch.ExpElogTheta.AsSpan());
                    for (int v = 0; v < width; v += Vector<float>.Count)
                    {
                        var z = Vector.LoadUnsafe(ref g, (nuint)v);
                        inDomain &= Vector.GreaterThan(z, floor);
                        var value = SpecialFunctions.ExpDigamma(z) * scale;
                        var inside = Vector.LessThan(Vector<int>.Indices + new Vector<int>(v), activeLanes);
                        Vector.ConditionalSelect(inside, value, Vector<float>.Zero).StoreUnsafe(ref x, (nuint)v);
                    }
                    if (Vector.EqualsAll(inDomain, new Vector<int>(-1))) return;
                }
                // Σγ < 1.46 (fractional counts): exp(−ψ(Σγ)) > 1 would scale up what ExpDigamma flushed to 0; or a γ_k
                // outside ExpDigamma's domain (≤ 1e-30: a tiny α)
                var elog = scratch.ElogTheta.AsSpan(0, active);
                SpecialFunctions.Digamma(scratch.Gamma.AsSpan(0, width), scratch.ElogTheta);   // whole vectors, no scalar tail
                TensorPrimitives.Subtract(elog, psiSum, elog);
                TensorPrimitives.Exp(elog, scratch.ExpElogTheta.AsSpan(0, active));
            }
            else
            {
                var elog = scratch.ElogThetaPrecise.AsSpan(0, active);
                LdaMath.DirichletExpectation(gamma, elog, prunedAlphaSum);
                for (int t = 0; t < active; t++) scratch.ExpElogTheta[t] = (float)Math.Exp(elog[t]);
            }
        }
    }
}
