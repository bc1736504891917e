using System.Numerics.Tensors;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

internal sealed partial class CpuBackend
{
    /// <summary>
    /// expElogβ_kw = exp(ψ(λ_kw) − ψ(Σ_w λ_kw)), V×K term-major, computed row by row on first use after each
    /// global step: a step then costs the λ update and row sums over V×K (one multiply-add per entry), and ψ/exp
    /// run only for the terms the following batches touch. A row's value depends only on its λ row and the row
    /// sums, so it is the same whenever it is computed (determinism and resume are unaffected).
    /// <para>Thread safety: concurrent readers may refresh the same stale row at once; they write identical values,
    /// and a row's stamp is published (release) only after its values, so a reader that sees a current stamp
    /// (acquire) sees the finished row. <see cref="Invalidate"/> must not run while a local step is in flight.</para>
    /// </summary>
    private sealed class ExpElogBetaRows
    {
        private readonly int _k;
        private readonly CpuMathMode _mode;
        private readonly float[] _lambda;        // λ: V×K, term-major (owned by the backend, read-only here)
        private readonly float[] _expElogBeta;   // V×K, term-major
        private readonly int[] _stamps;          // per term: the version its row was computed at
        private double[] _psiSums = [];          // ψ(Σ_w λ_kw)
        private float[] _psiSumsFloat = [];
        private int _version;

        public ExpElogBetaRows(float[] lambda, int vocabularySize, int topics, CpuMathMode mode)
        {
            _k = topics;
            _mode = mode;
            _lambda = lambda;
            _expElogBeta = new float[lambda.Length];
            _stamps = new int[vocabularySize];
        }

        /// <summary>Marks every row stale; <paramref name="rowSums"/> are Σ_w λ_kw of the current λ.</summary>
        public void Invalidate(double[] rowSums)
        {
            _psiSums = rowSums.Select(SpecialFunctions.Digamma).ToArray();
            _psiSumsFloat = _psiSums.Select(p => (float)p).ToArray();
            _version++;
        }

        /// <summary>Row w of expElogβ (K floats), computed now if stale.</summary>
        public ReadOnlySpan<float> Row(int w)
        {
            var row = _expElogBeta.AsSpan(w * _k, _k);
            if (Volatile.Read(ref _stamps[w]) != _version)
            {
                var lambda = _lambda.AsSpan(w * _k, _k);
                if (_mode == CpuMathMode.Fast)
                {
                    SpecialFunctions.Digamma(lambda, row);
                    TensorPrimitives.Subtract(row, _psiSumsFloat, row);
                    TensorPrimitives.Exp(row, row);
                }
                else
                {
                    for (int t = 0; t < _k; t++) row[t] = (float)Math.Exp(SpecialFunctions.Digamma((double)lambda[t]) - _psiSums[t]);
                }
                Volatile.Write(ref _stamps[w], _version);
            }
            return row;
        }
    }
}
