using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

internal sealed partial class CpuBackend
{
    /// <summary>
    /// expElogβ_kw = exp(ψ(λ_kw) − ψ(Σ_w λ_kw)) (0 below the smallest normal float, <see cref="LdaMath.SmallestNormal"/>), in
    /// the Fast mode as exp(ψ(λ_kw)) · exp(−ψ(Σ_w λ_kw)) (<see cref="SpecialFunctions.ExpDigamma"/>: no logarithm, one
    /// exponential), V×K term-major, computed row by row on first use after each
    /// global step: a step then costs the λ update and row sums over V×K (one multiply-add per entry), and ψ/exp
    /// run only for the terms the following batches touch. A row's value depends only on its λ row and the row
    /// sums, so it is the same whenever it is computed (determinism and resume are unaffected).
    /// <para>Thread safety: a stale row is computed in the caller's own buffer and only then copied into the shared
    /// row, so concurrent readers refreshing the same row write identical finished values; the stamp is published
    /// (release) after the values, so a reader that sees a current stamp (acquire) copies a finished row.
    /// <see cref="Invalidate"/> must not run while a local step is in flight.</para>
    /// </summary>
    private sealed class ExpElogBetaRows
    {
        private readonly int _k;
        private readonly CpuMathMode _mode;
        private readonly float[] _lambda;        // λ: V×K, term-major (owned by the backend, read-only here)
        private readonly float[] _expElogBeta;   // V×K, term-major
        private readonly int[] _stamps;          // per term: the version its row was computed at
        private double[] _psiSums = [];          // ψ(Σ_w λ_kw)
        private float[] _expNegativePsiSums = [];   // exp(−ψ(Σ_w λ_kw))
        private bool _vectorRows;                   // the vector form applies: Fast mode, K ≥ a vector, every ψ(Σ_w λ_kw) ≥ 0
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
            _expNegativePsiSums = _psiSums.Select(p => (float)Math.Exp(-p)).ToArray();
            // exp(ψ(λ_kw)) is 0 in float below λ ≈ 0.0115; times exp(−ψ(Σ_w λ_kw)) ≤ 1 such an entry is below the smallest
            // normal float anyway, but a topic with Σ_w λ_kw < 1.46 (ψ < 0: a degenerate η·V) would scale it up, so such a
            // step takes the double path
            _vectorRows = _mode == CpuMathMode.Fast && _k >= Vector<float>.Count && _psiSums.All(p => p >= 0);
            _version++;
        }

        /// <summary>Asks the CPU to start loading row w (a hint: the rows a document gathers lie anywhere in V×K, and each
        /// copy would otherwise wait for its row to come from memory).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(int w)
        {
            // a stale row is computed from λ's row, and then stored into expElogβ's: both are asked for
            if (Volatile.Read(ref _stamps[w]) != _version) PrefetchFloats(_lambda, w * _k, _k);
            PrefetchFloats(_expElogBeta, w * _k, _k);
        }

        /// <summary>Row w of expElogβ (K floats): the stored row when current, else computed into <paramref name="scratch"/>
        /// (and stored) as <see cref="CopyRow"/> does.</summary>
        public ReadOnlySpan<float> Row(int w, Span<float> scratch)
        {
            if (Volatile.Read(ref _stamps[w]) == _version) return _expElogBeta.AsSpan(w * _k, _k);
            CopyRow(w, scratch);
            return scratch;
        }

        /// <summary>Copies row w of expElogβ (K floats) into <paramref name="destination"/>, computing it there first if stale.</summary>
        public void CopyRow(int w, Span<float> destination)
        {
            var row = _expElogBeta.AsSpan(w * _k, _k);
            if (Volatile.Read(ref _stamps[w]) == _version)
            {
                row.CopyTo(destination);
                return;
            }
            // computed in the caller's buffer, so the shared row only ever receives finished values
            var lambda = _lambda.AsSpan(w * _k, _k);
            var computed = destination[.._k];
            if (!_vectorRows || !ComputeRow(lambda, computed))
            {
                for (int t = 0; t < _k; t++) computed[t] = (float)Math.Exp(SpecialFunctions.Digamma((double)lambda[t]) - _psiSums[t]);
                // entries below the smallest normal float are 0 (LdaMath.SmallestNormal)
                for (int t = 0; t < _k; t++) if (computed[t] < LdaMath.SmallestNormal) computed[t] = 0;
            }
            computed.CopyTo(row);
            Volatile.Write(ref _stamps[w], _version);
        }

        /// <summary>
        /// The row in vectors: exp(ψ(λ_kw)) · exp(−ψ(Σ_w λ_kw)), 0 below the smallest normal float. The last vector of a row
        /// whose K is not a whole number of them is computed over the row's last lanes (it overlaps lanes already done, with the
        /// same values). False, with <paramref name="destination"/> unspecified, when a λ_kw is outside
        /// <see cref="SpecialFunctions.ExpDigamma(Vector{float})"/>'s domain (at most 1e-30, or NaN): the caller then takes the
        /// double-precision definition.
        /// </summary>
        private bool ComputeRow(ReadOnlySpan<float> lambda, Span<float> destination)
        {
            var smallest = new Vector<float>(LdaMath.SmallestNormal);
            var floor = new Vector<float>(SpecialFunctions.VectorArgumentFloor);
            var inDomain = new Vector<int>(-1);
            int last = _k - Vector<float>.Count;
            for (int i = 0; ; i += Vector<float>.Count)
            {
                if (i > last) i = last;
                var z = new Vector<float>(lambda.Slice(i));
                inDomain &= Vector.GreaterThan(z, floor);
                var x = SpecialFunctions.ExpDigamma(z) * new Vector<float>(_expNegativePsiSums, i);
                Vector.ConditionalSelect(Vector.LessThan(x, smallest), Vector<float>.Zero, x).CopyTo(destination.Slice(i));
                if (i == last) break;
            }
            return Vector.EqualsAll(inDomain, new Vector<int>(-1));
        }
    }
}
