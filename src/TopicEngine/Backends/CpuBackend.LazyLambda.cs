using System.Numerics.Tensors;

namespace TopicEngine.Backends;

internal sealed partial class CpuBackend
{
    /// <summary>
    /// λ with a lazy global step (Vowpal Wabbit's <c>decay_levels</c>, Hoffman et al. 2010 eq. 7). A term that is not in a
    /// batch only decays towards η: λ ← (1 − ρ) λ + ρ η, an affine map. The composition of every such map since the
    /// base is x ↦ A·x + B (A = Π(1 − ρ), B accumulated in double), so a row stored at (A_w, B_w) stands for
    /// <c>(A / A_w)(λ_w − B_w) + B</c> now. A global step then touches only the batch's terms (O(terms × K)) and
    /// Σ_w λ_kw follows incrementally: S ← (1 − ρ) S + ρ η V + ρ·scale·Σ_w s_kw.
    /// <para>Canonical form (<see cref="Flush"/>): every row brought up to date, the base reset, the row sums summed
    /// from λ exactly as <see cref="SetLambda"/> does. Reading λ (checkpoints, bounds, evaluation) flushes, so a fit
    /// resumed from a checkpoint continues with the very state the uninterrupted fit had.</para>
    /// <para>Thread safety: <see cref="CurrentRow"/> only reads and may run on any number of threads during a local step;
    /// everything else runs on the caller's thread between local steps.</para>
    /// </summary>
    private sealed class LazyLambda
    {
        /// <summary>A below which the base is reset (every row flushed), far above double's underflow.</summary>
        private const double MinimumDecay = 1e-100;

        /// <summary>ρ at or above which a global step is done densely (batch VB's ρ = 1 would zero A).</summary>
        private const double DenseRho = 1 - 1e-6;

        private readonly int _k;
        private readonly int _threads;
        private double _a = 1, _b;          // the composed decay since the base
        private readonly double[] _rowA;     // per term: A when its row was last written
        private readonly double[] _rowB;     // per term: B when its row was last written
        private readonly double[] _rowSums;  // Σ_w λ_kw of the current λ

        public LazyLambda(float[] lambda, int vocabularySize, int topics, int threads)
        {
            Values = lambda;
            VocabularySize = vocabularySize;
            _k = topics;
            _threads = threads;
            _rowA = new double[vocabularySize];
            _rowB = new double[vocabularySize];
            _rowSums = new double[topics];
            Reset();
            SumRows();
        }

        /// <summary>The stored rows (V×K, term-major); current only after <see cref="Flush"/>.</summary>
        public float[] Values { get; }

        public int VocabularySize { get; }

        /// <summary>Σ_w λ_kw of the current λ.</summary>
        public double[] RowSums => _rowSums;

        /// <summary>True when every stored row is current (no decay pending).</summary>
        public bool IsCanonical { get; private set; } = true;

        /// <summary>Writes the current row of term <paramref name="w"/> into <paramref name="destination"/> (K floats). Read-only.</summary>
        public void CurrentRow(int w, Span<float> destination)
        {
            var stored = Values.AsSpan(w * _k, _k);
            double rowA = _rowA[w];
            if (rowA == _a) { stored.CopyTo(destination); return; }
            double ratio = _a / rowA;
            Affine(stored, (float)ratio, (float)(_b - ratio * _rowB[w]), destination);
        }

        /// <summary>
        /// The online global step for the terms <paramref name="terms"/> (ascending, distinct) whose statistics rows
        /// <paramref name="statistics"/> hold s_kw (V×K, term-major): λ_w ← (1 − ρ) λ_w + ρ (η + scale · s_w) for those
        /// terms, the decay towards η for all others (lazily). Clears the used statistics rows.
        /// </summary>
        public void Step(ReadOnlySpan<int> terms, float[] statistics, double rho, double eta, double scale)
        {
            int k = _k;
            if (rho >= DenseRho)
            {
                DenseStep(statistics, rho, eta, scale);
                return;
            }
            double a = _a * (1 - rho), b = (1 - rho) * _b + rho * eta;
            // Σ over the batch's terms of s_kw, in fixed chunks of terms reduced in chunk order (deterministic)
            int chunks = (terms.Length + TermChunk - 1) / TermChunk;
            var partial = new double[chunks * k];
            var termArray = terms.ToArray();
            float step = (float)(rho * scale);
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
            {
                var sums = partial.AsSpan(c * k, k);
                int end = Math.Min(termArray.Length, (c + 1) * TermChunk);
                for (int i = c * TermChunk; i < end; i++)
                {
                    int w = termArray[i];
                    var s = statistics.AsSpan(w * k, k);
                    for (int t = 0; t < k; t++) sums[t] += s[t];
                    // λ_w ← r λ_w + (B' − r B_w) + ρ·scale·s_w with r = (1 − ρ) A / A_w: the decay since the row was
                    // written and this step's own update in one multiply-add
                    var row = Values.AsSpan(w * k, k);
                    double r = a / _rowA[w];
                    Affine(row, (float)r, (float)(b - r * _rowB[w]), row);
                    TensorPrimitives.MultiplyAdd(s, step, row, row);
                    s.Clear();
                    _rowA[w] = a;
                    _rowB[w] = b;
                }
            });
            for (int t = 0; t < k; t++)
            {
                double batchSum = 0;
                for (int c = 0; c < chunks; c++) batchSum += partial[c * k + t];
                _rowSums[t] = (1 - rho) * _rowSums[t] + rho * eta * VocabularySize + rho * scale * batchSum;
            }
            _a = a;
            _b = b;
            IsCanonical = false;
            if (_a < MinimumDecay) Flush();
        }

        /// <summary>ρ ≈ 1 (batch VB, or τ0 = 1's first step): every row updated and the base reset.</summary>
        private void DenseStep(float[] statistics, double rho, double eta, double scale)
        {
            int k = _k, v = VocabularySize;
            Parallel.For(0, (v + TermChunk - 1) / TermChunk, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
            {
                int end = Math.Min(v, (c + 1) * TermChunk);
                for (int w = c * TermChunk; w < end; w++)
                {
                    var row = Values.AsSpan(w * k, k);
                    double r = (1 - rho) * _a / _rowA[w];
                    double offset = (1 - rho) * (_b - _a / _rowA[w] * _rowB[w]) + rho * eta;
                    Affine(row, (float)r, (float)offset, row);
                    var s = statistics.AsSpan(w * k, k);
                    TensorPrimitives.MultiplyAdd(s, (float)(rho * scale), row, row);
                    s.Clear();
                }
            });
            Reset();
            SumRows();
        }

        /// <summary>Brings every row up to date, resets the base and sums the rows from λ (the form <see cref="SetLambda"/> gives).</summary>
        public void Flush()
        {
            if (IsCanonical) return;
            int k = _k, v = VocabularySize;
            Parallel.For(0, (v + TermChunk - 1) / TermChunk, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
            {
                int end = Math.Min(v, (c + 1) * TermChunk);
                for (int w = c * TermChunk; w < end; w++)
                {
                    var row = Values.AsSpan(w * k, k);
                    CurrentRow(w, row);
                }
            });
            Reset();
            SumRows();
        }

        /// <summary>destination = x · scale + offset.</summary>
        private static void Affine(ReadOnlySpan<float> x, float scale, float offset, Span<float> destination)
        {
            TensorPrimitives.Multiply(x, scale, destination);
            TensorPrimitives.Add(destination, offset, destination);
        }

        /// <summary>Writes every current row into <paramref name="destination"/> (V×K) without changing the state.</summary>
        public void CopyCurrent(float[] destination)
        {
            int k = _k, v = VocabularySize;
            Parallel.For(0, (v + TermChunk - 1) / TermChunk, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
            {
                int end = Math.Min(v, (c + 1) * TermChunk);
                for (int w = c * TermChunk; w < end; w++) CurrentRow(w, destination.AsSpan(w * k, k));
            });
        }

        private void Reset()
        {
            _a = 1;
            _b = 0;
            Array.Fill(_rowA, 1);
            Array.Clear(_rowB);
            IsCanonical = true;
        }

        /// <summary>Σ_w λ_kw over fixed chunks of terms, reduced in chunk order, in double.</summary>
        private void SumRows()
        {
            int k = _k, v = VocabularySize, chunks = (v + TermChunk - 1) / TermChunk;
            var partial = new double[chunks * k];
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
            {
                int start = c * TermChunk * k, end = Math.Min(v, (c + 1) * TermChunk) * k;
                var rows = Values.AsSpan(start, end - start);
                var sums = partial.AsSpan(c * k, k);
                for (int at = 0; at < rows.Length; at += k)
                    for (int t = 0; t < k; t++) sums[t] += rows[at + t];
            });
            Array.Clear(_rowSums);
            for (int t = 0; t < k; t++)
                for (int c = 0; c < chunks; c++) _rowSums[t] += partial[c * k + t];
        }
    }
}
