using System.Numerics.Tensors;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

internal sealed partial class CpuBackend
{
    /// <summary>Per-worker buffers, rented once per worker per call and grown only for a longer document.</summary>
    private sealed class DocumentScratch
    {
        private readonly int _k;

        public DocumentScratch(int topics)
        {
            _k = topics;
            Gamma = new float[topics];
            LastGamma = new float[topics];
            Accumulator = new float[topics];
            ElogTheta = new float[topics];
            ExpElogTheta = new float[topics];
            Product = new float[topics];
            ElogThetaPrecise = new double[topics];
        }

        /// <summary>E: the document's rows of expElogβ, W_d×K row-major.</summary>
        public float[] Rows { get; private set; } = [];
        /// <summary>φnorm_w, then n_w / φnorm_w: length W_d.</summary>
        public float[] PhiNorm { get; private set; } = [];
        public float[] Gamma { get; }
        public float[] LastGamma { get; }
        public float[] Accumulator { get; }
        public float[] ElogTheta { get; }
        public float[] ExpElogTheta { get; }
        public float[] Product { get; }
        public double[] ElogThetaPrecise { get; }

        public void EnsureCapacity(int terms)
        {
            if (PhiNorm.Length >= terms) return;
            int capacity = Math.Max(terms, PhiNorm.Length * 2);
            Rows = new float[capacity * _k];
            PhiNorm = new float[capacity];
        }
    }

    /// <summary>
    /// The local step of one document (the contract's formulas, see <see cref="ILdaBackend"/>):
    /// γ ← 1; repeat Elogθ = ψ(γ) − ψ(Σγ); φnorm_w = Σ_k exp(Elogθ_k) expElogβ_kw;
    /// γ_k = α_k + exp(Elogθ_k) Σ_w n_w expElogβ_kw / φnorm_w; until mean |Δγ| &lt; tolerance.
    /// </summary>
    private readonly struct DocumentEStep(SparseBatch batch, float[] alpha, LocalStepOptions options, float[] expElogBeta,
        float[] gammaOut, int topics, CpuMathMode mathMode, bool computeBound, double logGammaAlphaTerm)
    {
        /// <summary>Runs document <paramref name="d"/>; adds s_kw into <paramref name="statistics"/> when given and its
        /// bound into <paramref name="bound"/> when requested. Returns the iterations taken.</summary>
        public long Invoke(int d, DocumentScratch scratch, float[]? statistics, ref double bound)
        {
            int k = topics;
            var ids = batch.DocumentTerms(d);
            var counts = batch.DocumentCounts(d);
            int n = ids.Length;
            var gammaRow = gammaOut.AsSpan(d * k, k);
            if (n == 0)
            {
                alpha.CopyTo(gammaRow); // γ = α: the document's bound terms cancel to 0
                return 0;
            }

            var rows = scratch.Rows.AsSpan(0, n * k);                 // E: W_d×K
            for (int i = 0; i < n; i++) expElogBeta.AsSpan(ids[i] * k, k).CopyTo(rows.Slice(i * k, k));
            var phiNorm = scratch.PhiNorm.AsSpan(0, n);
            var gamma = scratch.Gamma.AsSpan();
            var lastGamma = scratch.LastGamma.AsSpan();
            var acc = scratch.Accumulator.AsSpan();
            var expElogTheta = scratch.ExpElogTheta.AsSpan();

            gamma.Fill(1f);
            ExpectedLogTheta(scratch);
            long iterations = 0;
            while (iterations < options.MaxIterations)
            {
                iterations++;
                gamma.CopyTo(lastGamma);
                // φnorm = E·exp(Elogθ); then n/φnorm
                PhiNormRatios(rows, k, expElogTheta, counts, phiNorm);
                // acc = Eᵀ (n/φnorm)
                acc.Clear();
                for (int i = 0; i < n; i++) TensorPrimitives.MultiplyAdd(rows.Slice(i * k, k), phiNorm[i], acc, acc);
                // γ = α + exp(Elogθ) ⊙ acc
                TensorPrimitives.FusedMultiplyAdd(expElogTheta, acc, alpha, gamma);
                TensorPrimitives.Subtract(gamma, lastGamma, lastGamma);
                float change = TensorPrimitives.SumOfMagnitudes(lastGamma);
                ExpectedLogTheta(scratch);
                if (change / k < options.Tolerance) break;
            }
            gamma.CopyTo(gammaRow);

            if (statistics is null && !computeBound) return iterations;
            // final φnorm with exp(Elogθ) of the final γ
            double documentBound = 0;
            for (int i = 0; i < n; i++)
            {
                var row = rows.Slice(i * k, k);
                float norm = TensorPrimitives.Dot(row, expElogTheta) + LdaMath.PhiNormFloor;
                if (computeBound) documentBound += counts[i] * Math.Log(norm);
                if (statistics is not null)
                {
                    // s_kw += n_w exp(Elogθ_k) expElogβ_kw / φnorm_w
                    var product = scratch.Product.AsSpan();
                    TensorPrimitives.Multiply(row, expElogTheta, product);
                    var target = statistics.AsSpan(ids[i] * k, k);
                    TensorPrimitives.MultiplyAdd(product, counts[i] / norm, target, target);
                }
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

        /// <summary>ratio_i = n_i / (E_i · x + floor) for every gathered row.</summary>
        private static void PhiNormRatios(ReadOnlySpan<float> rows, int k, ReadOnlySpan<float> x, ReadOnlySpan<float> counts, Span<float> ratio)
        {
            for (int i = 0; i < ratio.Length; i++)
                ratio[i] = counts[i] / (TensorPrimitives.Dot(rows.Slice(i * k, k), x) + LdaMath.PhiNormFloor);
        }

        /// <summary>Elogθ = ψ(γ) − ψ(Σγ), exp(Elogθ), from the scratch's γ.</summary>
        private void ExpectedLogTheta(DocumentScratch scratch)
        {
            var gamma = scratch.Gamma.AsSpan();
            if (mathMode == CpuMathMode.Fast)
            {
                var elog = scratch.ElogTheta.AsSpan();
                float psiSum = SpecialFunctions.Digamma(TensorPrimitives.Sum(gamma));
                SpecialFunctions.Digamma(gamma, elog);
                TensorPrimitives.Subtract(elog, psiSum, elog);
                TensorPrimitives.Exp(elog, scratch.ExpElogTheta);
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
