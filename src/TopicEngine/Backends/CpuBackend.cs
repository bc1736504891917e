using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

/// <summary>How <see cref="CpuBackend"/> evaluates ψ and exp.</summary>
internal enum CpuMathMode
{
    /// <summary>Single-precision SIMD digamma and exp (the production path).</summary>
    Fast,

    /// <summary>Double-precision scalar digamma and exp, to check the fast path against.</summary>
    Precise,
}

/// <summary>
/// The no-GPU production backend: float32, SIMD through <see cref="TensorPrimitives"/>, documents
/// in parallel over a fixed number of workers.
/// <para>Determinism: a batch's documents are split into <c>min(threads, D)</c> contiguous ranges for the
/// local steps (γ of a document does not depend on its worker). The statistics are one buffer for all
/// workers, filled afterwards by terms (<see cref="TermStatistics"/>): every s_kw is summed in document
/// order whatever the thread count; row sums reduce over fixed chunks of terms in chunk order. So the
/// same input and seed give byte-identical λ on any number of threads.</para>
/// <para>Local step: a document gathers its rows of expElogβ into a W_d×K scratch once; every
/// iteration is then two small mat-vec products, φnorm = E·exp(Elogθ) and acc = Eᵀ(n/φnorm), over the topics whose γ has
/// not fallen to α (the rest leave the document's step; see <see cref="DocumentEStep"/>).
/// Scratch is rented per worker per call, never per document. Calls without statistics touch
/// no shared mutable state and are thread-safe.</para>
/// <para>Global step: the λ update and row sums, dense and vectorised over V×K, parallel over chunks of
/// terms; ψ and exp are deferred to the rows the next batches touch (<see cref="ExpElogBetaRows"/>).
/// Memory: λ and expElogβ (2·V·K floats), the statistics of the U distinct terms since the last global
/// step (U·K ≤ V·K floats) whatever the thread count, two ints per term, per worker a document's
/// scratch, and per batch exp(Elogθ) (D_B×K) and one ratio per non-zero.
/// See benchmarks/TopicEngine.Benchmarks/CpuBackendBenchmarks.cs for measurements.</para>
/// </summary>
internal sealed partial class CpuBackend : ILdaBackend
{
    /// <summary>Terms per chunk of the global step; fixed (not derived from the thread count) so row sums reduce identically.</summary>
    private const int TermChunk = 256;

    private readonly int _threads;
    private float[] _lambda = [];             // λ: V×K, term-major
    private ExpElogBetaRows? _expElogBeta;    // exp(ψ(λ_kw) − ψ(Σ_w λ_kw)): V×K, term-major, rows refreshed on use
    private readonly TermStatistics _statistics;  // shared by all workers, rows only for the terms touched since the last global step
    private readonly ConcurrentBag<DocumentScratch> _scratchPool = new();

    /// <param name="topics">K.</param>
    /// <param name="threads">Workers for the local and global steps; 0 means all cores.</param>
    /// <param name="mathMode">Fast (float SIMD) or precise (double) special functions.</param>
    public CpuBackend(int topics, int threads = 0, CpuMathMode mathMode = CpuMathMode.Fast)
    {
        if (topics <= 0) throw new ArgumentOutOfRangeException(nameof(topics), "K must be positive.");
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), "threads must be 0 (all cores) or positive.");
        Topics = topics;
        _threads = threads == 0 ? Environment.ProcessorCount : threads;
        _statistics = new TermStatistics(topics);
        MathMode = mathMode;
    }

    public string Name => "cpu";
    public int Topics { get; }
    public int VocabularySize { get; private set; }

    /// <summary>Host bytes the backend allocates at most for V = <paramref name="vocabularySize"/> and K = <paramref name="topics"/>,
    /// on any number of threads: λ and expElogβ (V×K floats each), the shared statistics (at most V×K floats: one row per
    /// distinct term since the last global step) and two ints per term (expElogβ's row stamps, the statistics' row map).</summary>
    internal static long ModelBytes(int vocabularySize, int topics) =>
        3L * vocabularySize * topics * sizeof(float) + 2L * vocabularySize * sizeof(int);

    /// <summary>Number of workers.</summary>
    public int Threads => _threads;

    /// <summary>Fast or precise special functions.</summary>
    public CpuMathMode MathMode { get; }

    public void SetLambda(ReadOnlySpan<float> lambda, int vocabularySize)
    {
        if (vocabularySize < 0 || lambda.Length != (long)vocabularySize * Topics)
            throw new ArgumentException("lambda must have V×K entries.", nameof(lambda));
        if (_expElogBeta is not null && vocabularySize == VocabularySize)
        {
            lambda.CopyTo(_lambda);   // same shape: reuse λ and expElogβ (Invalidate below marks every row stale), no second model alive
        }
        else
        {
            VocabularySize = vocabularySize;
            _lambda = lambda.ToArray();
            _expElogBeta = new ExpElogBetaRows(_lambda, vocabularySize, Topics, MathMode);
        }
        _statistics.Reset(vocabularySize);
        var partial = new double[Chunks(vocabularySize) * Topics];
        Parallel.For(0, Chunks(vocabularySize), ParallelOptionsForThreads, c =>
        {
            int start = c * TermChunk * Topics, end = Math.Min(vocabularySize, (c + 1) * TermChunk) * Topics;
            AddColumnSums(_lambda.AsSpan(start, end - start), partial.AsSpan(c * Topics, Topics));
        });
        _expElogBeta.Invalidate(RowSums(partial));
    }

    /// <summary>λ as the backend holds it (V×K, term-major), read-only and without a copy; valid until the next
    /// <see cref="SetLambda"/> or <see cref="GlobalStep"/>.</summary>
    internal ReadOnlySpan<float> Lambda => _lambda;

    public void GetLambda(Span<float> lambda)
    {
        if (lambda.Length < _lambda.Length) throw new ArgumentException("lambda must hold V×K entries.", nameof(lambda));
        _lambda.CopyTo(lambda);
    }

    public double SumElogBeta() => DirichletPriors.SumElogBeta(_lambda, VocabularySize, Topics, _threads);

    public double CompletionLogLikelihood(SparseBatch scored, ReadOnlySpan<float> gamma) =>
        LdaMath.CompletionLogLikelihood(_lambda, VocabularySize, Topics, scored, gamma);

    public LocalStepResult LocalStep(SparseBatch batch, ReadOnlySpan<float> alpha, LocalStepOptions options,
        Span<float> gamma, bool accumulateStatistics, bool computeBound, ReadOnlySpan<float> initialGamma = default)
    {
        int k = Topics;
        if (alpha.Length != k) throw new ArgumentException("alpha must have K entries.", nameof(alpha));
        int docs = batch.DocumentCount;
        if (gamma.Length < docs * k) throw new ArgumentException("gamma must hold DocumentCount×K.", nameof(gamma));
        bool warm = !initialGamma.IsEmpty;
        if (warm && initialGamma.Length < docs * k) throw new ArgumentException("initialGamma must hold DocumentCount×K.", nameof(initialGamma));
        if (docs == 0) return new LocalStepResult(0, 0, 0, computeBound ? 0 : double.NaN);
        if (VocabularySize == 0 && batch.NonZeroCount > 0) throw new InvalidOperationException("SetLambda must be called before LocalStep.");
        BatchTermIds.Check(batch, VocabularySize, $"local step on {Name}");

        int workers = Math.Min(_threads, docs);
        var alphaArray = alpha.ToArray();
        double alphaSum = 0, logGammaAlphaSum = 0;
        foreach (var a in alphaArray) { alphaSum += a; logGammaAlphaSum += SpecialFunctions.LogGamma((double)a); }
        var gammaOut = ArrayPool<float>.Shared.Rent(docs * k);
        if (warm) initialGamma[..(docs * k)].CopyTo(gammaOut);   // each document starts from its row, then overwrites it
        float[]? expElogTheta = accumulateStatistics ? ArrayPool<float>.Shared.Rent(docs * k) : null;
        float[]? ratios = accumulateStatistics ? ArrayPool<float>.Shared.Rent(Math.Max(1, batch.NonZeroCount)) : null;
        var iterations = new long[workers];
        var bounds = new double[workers];
        try
        {
            var step = new DocumentEStep(batch, alphaArray, options, _expElogBeta!, gammaOut, k, MathMode, computeBound,
                SpecialFunctions.LogGamma(alphaSum) - logGammaAlphaSum, warm, expElogTheta, ratios);
            void RunWorker(int w)
            {
                int first = (int)((long)docs * w / workers), end = (int)((long)docs * (w + 1) / workers);
                int longest = 0;
                for (int d = first; d < end; d++) longest = Math.Max(longest, batch.DocumentOffsets[d + 1] - batch.DocumentOffsets[d]);
                var scratch = RentScratch(longest);
                long its = 0;
                double bound = 0;
                for (int d = first; d < end; d++) its += step.Invoke(d, scratch, ref bound);
                iterations[w] = its;
                bounds[w] = bound;
                _scratchPool.Add(scratch);
            }
            if (workers == 1) RunWorker(0);
            else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, RunWorker);
            gammaOut.AsSpan(0, docs * k).CopyTo(gamma);
            if (accumulateStatistics) _statistics.Add(batch, expElogTheta!, ratios!, _threads);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(gammaOut);
            if (expElogTheta is not null) ArrayPool<float>.Shared.Return(expElogTheta);
            if (ratios is not null) ArrayPool<float>.Shared.Return(ratios);
        }
        long totalIterations = 0;
        double totalBound = 0;
        for (int w = 0; w < workers; w++) { totalIterations += iterations[w]; totalBound += bounds[w]; }
        return new LocalStepResult(docs, batch.TokenCount, totalIterations, computeBound ? totalBound : double.NaN);
    }

    /// <summary>
    /// The local step of ONE document on the calling thread, without statistics or bound (the public API's
    /// <c>TopicModel.Infer</c>): <paramref name="termIds"/> ascending and distinct, <paramref name="counts"/>
    /// aligned, γ (K) written into <paramref name="gamma"/>. Computes exactly what <see cref="LocalStep"/> computes
    /// for the same document; thread-safe (scratch comes from the pool). Returns the iterations taken.
    /// </summary>
    public int LocalStepDocument(ReadOnlySpan<int> termIds, ReadOnlySpan<float> counts, float[] alpha, LocalStepOptions options, Span<float> gamma)
    {
        int k = Topics;
        if (alpha.Length != k) throw new ArgumentException("alpha must have K entries.", nameof(alpha));
        if (gamma.Length < k) throw new ArgumentException("gamma must hold K entries.", nameof(gamma));
        if (termIds.Length != counts.Length) throw new ArgumentException("termIds and counts must have the same length.", nameof(counts));
        if (VocabularySize == 0 && termIds.Length > 0) throw new InvalidOperationException("SetLambda must be called before LocalStepDocument.");
        var step = new DocumentEStep(null, alpha, options, _expElogBeta!, [], k, MathMode, computeBound: false, 0, warm: false);
        var scratch = RentScratch(termIds.Length);
        double bound = 0;
        try { return (int)step.Invoke(termIds, counts, gamma[..k], scratch, default, default, ref bound); }
        finally { _scratchPool.Add(scratch); }
    }

    private DocumentScratch RentScratch(int terms)
    {
        if (!_scratchPool.TryTake(out var scratch)) scratch = new DocumentScratch(Topics);
        scratch.EnsureCapacity(terms);
        return scratch;
    }

    public void GlobalStep(float rho, float eta, float scale)
    {
        int k = Topics, v = VocabularySize, chunks = Chunks(v);
        float decay = 1 - rho, rhoEta = rho * eta, rhoScale = rho * scale;
        var statistics = _statistics;
        var expElogBeta = _expElogBeta!;
        var partial = new double[chunks * k];
        // One pass over each chunk of rows: a row is updated and at once added into its chunk's column sums (the sums are
        // the next step's ψ(Σ_w λ_kw)), where a decay pass followed by a second pass for the sums read λ twice.
        Parallel.For(0, chunks, ParallelOptionsForThreads, c =>
        {
            int first = c * TermChunk, end = Math.Min(v, first + TermChunk);
            var beta = ArrayPool<float>.Shared.Rent(k);
            var sums = partial.AsSpan(c * k, k);
            for (int w = first; w < end; w++)
            {
                var lambda = _lambda.AsSpan(w * k, k);
                int row = statistics.RowOf(w);
                if (row < 0)
                {
                    // no statistics: λ ← (1 − ρ) λ + ρη
                    DecayRow(lambda, decay, rhoEta, sums);
                    continue;
                }
                // s_kw = expElogβ_kw · Σ_d (n_dw / φnorm_dw) exp(Elogθ_dk): the row is current (no step since the local steps)
                var s = statistics.Row(row);
                UpdateRow(lambda, s, expElogBeta.Row(w, beta.AsSpan(0, k)), decay, rhoEta, rhoScale, sums);
                s.Clear();
            }
            ArrayPool<float>.Shared.Return(beta);
        });
        statistics.EndStep();
        expElogBeta.Invalidate(RowSums(partial));
    }

    /// <summary>λ ← (1 − ρ) λ + ρη over one row of K, its values added into the chunk's column sums <paramref name="sums"/>
    /// (in double, as <see cref="AddColumnSums"/> adds them).</summary>
    private static void DecayRow(Span<float> lambda, float decay, float rhoEta, Span<double> sums)
    {
        int k = lambda.Length, width = Vector<float>.Count, whole = Vector.IsHardwareAccelerated ? k - k % width : 0;
        ref float l = ref MemoryMarshal.GetReference(lambda);
        ref double sum = ref MemoryMarshal.GetReference(sums);
        var d = new Vector<float>(decay);
        var e = new Vector<float>(rhoEta);
        for (int t = 0; t < whole; t += width)
        {
            var updated = Vector.LoadUnsafe(ref l, (nuint)t) * d + e;
            updated.StoreUnsafe(ref l, (nuint)t);
            AddWidened(updated, ref sum, t);
        }
        for (int t = whole; t < k; t++)
        {
            float updated = lambda[t] * decay + rhoEta;
            lambda[t] = updated;
            sums[t] += updated;
        }
    }

    /// <summary>
    /// λ ← (1 − ρ) λ + ρ (η + scale · s) over one row of K (Hoffman et al. 2010, eq. 7), with s_kw = <paramref name="ratioSums"/>_k ·
    /// <paramref name="beta"/>_k, its values added into the chunk's column sums. The float operations are those of the
    /// element-wise form (s·β, ·ρ·scale, +ρη, then λ·(1 − ρ) + that), each rounded in turn, so λ is the same on any vector width.
    /// </summary>
    private static void UpdateRow(Span<float> lambda, ReadOnlySpan<float> ratioSums, ReadOnlySpan<float> beta, float decay, float rhoEta,
        float rhoScale, Span<double> sums)
    {
        int k = lambda.Length, width = Vector<float>.Count, whole = Vector.IsHardwareAccelerated ? k - k % width : 0;
        ref float l = ref MemoryMarshal.GetReference(lambda);
        ref float r = ref MemoryMarshal.GetReference(ratioSums);
        ref float b = ref MemoryMarshal.GetReference(beta);
        ref double sum = ref MemoryMarshal.GetReference(sums);
        var d = new Vector<float>(decay);
        var e = new Vector<float>(rhoEta);
        var rs = new Vector<float>(rhoScale);
        for (int t = 0; t < whole; t += width)
        {
            var step = Vector.LoadUnsafe(ref r, (nuint)t) * Vector.LoadUnsafe(ref b, (nuint)t) * rs + e;
            var updated = Vector.LoadUnsafe(ref l, (nuint)t) * d + step;
            updated.StoreUnsafe(ref l, (nuint)t);
            AddWidened(updated, ref sum, t);
        }
        for (int t = whole; t < k; t++)
        {
            float updated = lambda[t] * decay + (ratioSums[t] * beta[t] * rhoScale + rhoEta);
            lambda[t] = updated;
            sums[t] += updated;
        }
    }

    /// <summary>Adds a vector of floats, widened, into the doubles at <paramref name="sum"/> + <paramref name="at"/>.</summary>
    private static void AddWidened(Vector<float> values, ref double sum, int at)
    {
        Vector.Widen(values, out var low, out var high);
        (Vector.LoadUnsafe(ref sum, (nuint)at) + low).StoreUnsafe(ref sum, (nuint)at);
        (Vector.LoadUnsafe(ref sum, (nuint)(at + Vector<double>.Count)) + high).StoreUnsafe(ref sum, (nuint)(at + Vector<double>.Count));
    }

    /// <summary>Asks the CPU to start loading <paramref name="count"/> floats of <paramref name="array"/> from
    /// <paramref name="start"/> (a hint for rows that lie anywhere in a large matrix: if the array moves meanwhile, the
    /// wrong lines are loaded and nothing else happens).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchFloats(float[] array, int start, int count)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        byte* first = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref array[start]);
        for (int offset = 0; offset < count * sizeof(float); offset += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch0(first + offset);
    }

    private ParallelOptions ParallelOptionsForThreads => new() { MaxDegreeOfParallelism = _threads };

    private static int Chunks(int vocabularySize) => (vocabularySize + TermChunk - 1) / TermChunk;

    /// <summary>Adds a chunk's rows (term-major) into its K partial row sums, in term order, in double: each topic's sum
    /// takes the same additions in the same order whether its lane is done in a vector (floats widened to doubles) or in
    /// the scalar tail, so the sums do not depend on the vector width.</summary>
    private static void AddColumnSums(ReadOnlySpan<float> rows, Span<double> sums)
    {
        int k = sums.Length, width = Vector<float>.Count, whole = Vector.IsHardwareAccelerated ? k - k % width : 0;
        ref float r = ref MemoryMarshal.GetReference(rows);
        ref double s = ref MemoryMarshal.GetReference(sums);
        for (int at = 0; at < rows.Length; at += k)
        {
            for (int t = 0; t < whole; t += width) AddWidened(Vector.LoadUnsafe(ref r, (nuint)(at + t)), ref s, t);
            for (int t = whole; t < k; t++) sums[t] += rows[at + t];
        }
    }

    /// <summary>Σ_w λ_kw: the per-chunk partial sums added in chunk order.</summary>
    private double[] RowSums(double[] partial)
    {
        int k = Topics, chunks = partial.Length / k;
        var sums = new double[k];
        for (int t = 0; t < k; t++)
            for (int c = 0; c < chunks; c++) sums[t] += partial[c * k + t];
        return sums;
    }

    public void Dispose()
    {
        _lambda = [];
        _expElogBeta = null;
        _statistics.Reset(0);
        _scratchPool.Clear();
    }
}
