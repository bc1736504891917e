using System.Numerics.Tensors;
using TopicEngine.Corpus;

namespace TopicEngine.Backends;

internal sealed partial class CpuBackend
{
    /// <summary>
    /// The statistics since the last global step, one buffer for all workers and only for the terms the batches touched
    /// (issue 14, "sparse statistics"): a compact map from term to row, rows of K floats holding
    /// Σ_d (n_dw / φnorm_dw) exp(Elogθ_dk); the global step multiplies a row by its expElogβ row to get s_kw.
    /// <para>Determinism: a term gets its row at its first occurrence (batches, documents and terms in order), and every
    /// row is summed by one worker walking the documents in order, so each value is the same float sum on any thread
    /// count: λ is byte-identical for 1 and N threads.</para>
    /// <para>Memory: U×K floats for the U distinct terms since the last global step (a batch's terms on an online fit, at
    /// most V on a batch-mode pass), plus one int per term; never one buffer per thread.</para>
    /// </summary>
    private sealed class TermStatistics
    {
        /// <summary>Rows per block of the interleaving between workers (blocks, not single rows, so that two workers do not
        /// write into the same cache line at small K).</summary>
        private const int BlockShift = 3;

        /// <summary>Non-zeros of a batch below which one worker adds the statistics (splitting costs more than it saves).</summary>
        private const int ParallelNonZeros = 4096;

        private readonly int _k;
        private readonly List<int> _terms = [];   // row → term, in order of first occurrence
        private int[] _rowOf = [];                // term → row, −1 for none
        private float[] _rows = [];               // rows × K, term's row r at r·K; rows past Count stay zero

        public TermStatistics(int topics) => _k = topics;

        /// <summary>Terms that hold a row.</summary>
        public int Count => _terms.Count;

        /// <summary>Floats the row buffer holds (its capacity), for memory accounting and tests.</summary>
        public long CapacityFloats => _rows.LongLength;

        /// <summary>Forgets every row, for a vocabulary of <paramref name="vocabularySize"/> terms (SetLambda; 0 frees the buffers).</summary>
        public void Reset(int vocabularySize)
        {
            _rows.AsSpan(0, _terms.Count * _k).Clear();
            _terms.Clear();
            if (_rowOf.Length != vocabularySize) { _rowOf = new int[vocabularySize]; _rows = []; }
            Array.Fill(_rowOf, -1);
        }

        /// <summary>Row of term <paramref name="w"/>, −1 when it has none.</summary>
        public int RowOf(int w) => _rowOf[w];

        /// <summary>Row <paramref name="row"/>'s K values.</summary>
        public Span<float> Row(int row) => _rows.AsSpan(row * _k, _k);

        /// <summary>
        /// Adds a batch's share: for every non-zero (document d, term w), (n_dw / φnorm_dw) · exp(Elogθ_d) into w's row.
        /// <paramref name="expElogTheta"/> is DocumentCount×K, <paramref name="ratios"/> one value per non-zero (aligned with
        /// the batch's terms). Workers own interleaved blocks of rows and each walks the documents in order.
        /// </summary>
        public void Add(SparseBatch batch, float[] expElogTheta, float[] ratios, int threads)
        {
            int k = _k, docs = batch.DocumentCount, nonZeros = batch.DocumentOffsets[docs];
            var ids = batch.TermIds.AsSpan(0, nonZeros);
            for (int i = 0; i < ids.Length; i++)
            {
                int w = ids[i];
                if (_rowOf[w] < 0) { _rowOf[w] = _terms.Count; _terms.Add(w); }
            }
            EnsureRows(_terms.Count);
            int workers = nonZeros < ParallelNonZeros ? 1 : Math.Max(1, threads);
            var rowOf = _rowOf;
            var rows = _rows;
            void RunWorker(int r)
            {
                var termIds = batch.TermIds;
                for (int d = 0; d < docs; d++)
                {
                    int start = batch.DocumentOffsets[d], end = batch.DocumentOffsets[d + 1];
                    var theta = expElogTheta.AsSpan(d * k, k);
                    for (int i = start; i < end; i++)
                    {
                        if (i + PrefetchAhead < end && rowOf[termIds[i + PrefetchAhead]] is var next
                            && (workers == 1 || (next >> BlockShift) % workers == r))
                            PrefetchFloats(rows, next * k, k);
                        int row = rowOf[termIds[i]];
                        if (workers > 1 && (row >> BlockShift) % workers != r) continue;
                        var target = rows.AsSpan(row * k, k);
                        TensorPrimitives.MultiplyAdd(theta, ratios[i], target, target);
                    }
                }
            }
            if (workers == 1) RunWorker(0);
            else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, RunWorker);
        }

        /// <summary>Non-zeros ahead whose rows are requested before they are added to (a document's terms' rows lie anywhere
        /// in the buffer, and each addition would otherwise wait for its row).</summary>
        private const int PrefetchAhead = 4;

        /// <summary>After a global step that read and cleared every row: forgets the terms' rows (O(rows), not O(V)).</summary>
        public void EndStep()
        {
            foreach (int w in _terms) _rowOf[w] = -1;
            _terms.Clear();
        }

        /// <summary>Grows the buffer to hold <paramref name="rows"/> rows, by at least a quarter so growing stays rare, never
        /// past one row per term.</summary>
        private void EnsureRows(int rows)
        {
            long needed = (long)rows * _k;
            if (needed <= _rows.Length) return;
            long grown = Math.Min((long)_rowOf.Length * _k, Math.Max(needed, _rows.Length + _rows.Length / 4));
            var larger = new float[grown];
            _rows.CopyTo(larger, 0);
            _rows = larger;
        }
    }
}
