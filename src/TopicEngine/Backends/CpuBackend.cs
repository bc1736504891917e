using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics.Tensors;
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
/// local steps (γ of a document does not depend on its worker). The statistics are one shared V×K buffer
/// filled afterwards by terms: worker w owns a contiguous range of the batch's distinct terms and adds
/// each document's share in document order, so every s_kw is summed in the same order whatever the
/// thread count; row sums reduce over fixed chunks of terms in chunk order. So the same input and seed
/// give byte-identical λ on any number of threads.</para>
/// <para>Local step: a document gathers its rows of expElogβ into a W_d×K scratch once; every
/// iteration is then two small mat-vec products, φnorm = E·exp(Elogθ) and acc = Eᵀ(n/φnorm).
/// Scratch is rented per worker per call, never per document. Calls without statistics touch
/// no shared mutable state and are thread-safe.</para>
/// <para>Global step: lazy (<see cref="LazyLambda"/>): only the rows of the terms the batches since the
/// last step touched are updated, the others' decay towards η is applied when they are next read;
/// ψ and exp are deferred to the rows the next batches touch (<see cref="ExpElogBetaRows"/>).
/// Memory: λ, expElogβ and the statistics (3·V·K floats) whatever the thread count, plus per
/// worker a document's scratch and per batch exp(Elogθ) (D_B×K) and one ratio per non-zero.
/// See benchmarks/TopicEngine.Benchmarks/CpuBackendBenchmarks.cs for measurements.</para>
/// </summary>
internal sealed partial class CpuBackend : ILdaBackend
{
    /// <summary>Terms per chunk of the global step; fixed (not derived from the thread count) so row sums reduce identically.</summary>
    private const int TermChunk = 256;

    private readonly int _threads;
    private LazyLambda? _lambda;              // λ: V×K, term-major, with the decay of untouched rows pending
    private ExpElogBetaRows? _expElogBeta;    // exp(ψ(λ_kw) − ψ(Σ_w λ_kw)): V×K, term-major, rows refreshed on use
    private float[]? _statistics;             // Σ_d (n_dw / φnorm_dw) exp(Elogθ_d) per term: V×K, term-major, shared by all workers;
                                              // the global step multiplies a row by its expElogβ to get s_kw
    private int[] _touchedMark = [];          // per term: 1 when its statistics row holds something
    private readonly List<int> _touched = []; // the terms with statistics since the last global step
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
        MathMode = mathMode;
    }

    public string Name => "cpu";
    public int Topics { get; }
    public int VocabularySize { get; private set; }

    /// <summary>Host bytes the backend allocates for V = <paramref name="vocabularySize"/>, K = <paramref name="topics"/>:
    /// λ, expElogβ and the shared statistics (V×K floats each) and per term a stamp, a mark and the lazy step's two doubles.
    /// The same for any number of workers (<paramref name="threads"/> only adds K-sized scratch).</summary>
    internal static long ModelBytes(int vocabularySize, int topics, int threads) =>
        3L * vocabularySize * topics * sizeof(float) + (long)vocabularySize * (2 * sizeof(int) + 2 * sizeof(double));

    /// <summary>Number of workers.</summary>
    public int Threads => _threads;

    /// <summary>Fast or precise special functions.</summary>
    public CpuMathMode MathMode { get; }

    public void SetLambda(ReadOnlySpan<float> lambda, int vocabularySize)
    {
        if (vocabularySize < 0 || lambda.Length != (long)vocabularySize * Topics)
            throw new ArgumentException("lambda must have V×K entries.", nameof(lambda));
        VocabularySize = vocabularySize;
        _lambda = new LazyLambda(lambda.ToArray(), vocabularySize, Topics, _threads);
        _expElogBeta = new ExpElogBetaRows(_lambda, Topics, MathMode);
        if (_statistics is { } s && s.Length != _lambda.Values.Length) _statistics = null;
        if (_statistics is not null) Array.Clear(_statistics);
        _touchedMark = new int[vocabularySize];
        _touched.Clear();
        _expElogBeta.Invalidate(_lambda.RowSums);
    }

    /// <summary>λ as the backend holds it (V×K, term-major), read-only and without a copy; valid until the next
    /// <see cref="SetLambda"/> or <see cref="GlobalStep"/>. Brings every row up to date first (<see cref="Synchronize"/>).</summary>
    internal ReadOnlySpan<float> Lambda
    {
        get
        {
            Synchronize();
            return _lambda is null ? [] : _lambda.Values;
        }
    }

    /// <summary>Every row of λ brought up to date (<see cref="LazyLambda.Flush"/>), the row sums summed afresh and expElogβ
    /// invalidated: the state <see cref="SetLambda"/> with this λ gives, i.e. what a fit resumed from a checkpoint taken
    /// now starts from. The trainer calls it at every point where a checkpoint may be taken.</summary>
    public void Synchronize()
    {
        if (_lambda is null || _lambda.IsCanonical) return;
        _lambda.Flush();
        _expElogBeta!.Invalidate(_lambda.RowSums);
    }

    /// <summary>The current λ without changing the backend's state (so reading λ never changes the fit): the stored rows
    /// when none has decay pending, else the up-to-date rows written into the statistics buffer (when it is empty, as
    /// after every global step) or a temporary array. Hand it back with <see cref="ReleaseLambda"/>.</summary>
    private float[] BorrowLambda()
    {
        if (_lambda is null) return [];
        if (_lambda.IsCanonical) return _lambda.Values;
        var buffer = _touched.Count == 0 ? (_statistics ??= new float[_lambda.Values.Length]) : new float[_lambda.Values.Length];
        _lambda.CopyCurrent(buffer);
        return buffer;
    }

    private void ReleaseLambda(float[] borrowed)
    {
        if (ReferenceEquals(borrowed, _statistics)) Array.Clear(borrowed);
    }

    public void GetLambda(Span<float> lambda)
    {
        if (_lambda is null) return;
        if (lambda.Length < _lambda.Values.Length) throw new ArgumentException("lambda must hold V×K entries.", nameof(lambda));
        for (int w = 0; w < VocabularySize; w++) _lambda.CurrentRow(w, lambda.Slice(w * Topics, Topics));
    }

    public double TopicWordBound(float eta)
    {
        var lambda = BorrowLambda();
        try { return LdaMath.TopicWordBound(lambda, VocabularySize, Topics, eta, _threads); }
        finally { ReleaseLambda(lambda); }
    }

    public double SumElogBeta()
    {
        var lambda = BorrowLambda();
        try { return DirichletPriors.SumElogBeta(lambda, VocabularySize, Topics, _threads); }
        finally { ReleaseLambda(lambda); }
    }

    public double CompletionLogLikelihood(SparseBatch scored, ReadOnlySpan<float> gamma)
    {
        var lambda = BorrowLambda();
        try { return LdaMath.CompletionLogLikelihood(lambda, VocabularySize, Topics, scored, gamma); }
        finally { ReleaseLambda(lambda); }
    }

    public LocalStepResult LocalStep(SparseBatch batch, ReadOnlySpan<float> alpha, LocalStepOptions options,
        Span<float> gamma, bool accumulateStatistics, bool computeBound)
    {
        int k = Topics;
        if (alpha.Length != k) throw new ArgumentException("alpha must have K entries.", nameof(alpha));
        int docs = batch.DocumentCount;
        if (gamma.Length < docs * k) throw new ArgumentException("gamma must hold DocumentCount×K.", nameof(gamma));
        if (docs == 0) return new LocalStepResult(0, 0, 0, computeBound ? 0 : double.NaN);
        if (VocabularySize == 0 && batch.NonZeroCount > 0) throw new InvalidOperationException("SetLambda must be called before LocalStep.");
        BatchTermIds.Check(batch, VocabularySize, $"local step on {Name}");

        int workers = Math.Min(_threads, docs);
        var alphaArray = alpha.ToArray();
        double alphaSum = 0, logGammaAlphaSum = 0;
        foreach (var a in alphaArray) { alphaSum += a; logGammaAlphaSum += SpecialFunctions.LogGamma((double)a); }
        var gammaOut = ArrayPool<float>.Shared.Rent(docs * k);
        float[]? expElogTheta = accumulateStatistics ? ArrayPool<float>.Shared.Rent(docs * k) : null;
        float[]? ratios = accumulateStatistics ? ArrayPool<float>.Shared.Rent(Math.Max(1, batch.NonZeroCount)) : null;
        var iterations = new long[workers];
        var bounds = new double[workers];
        try
        {
            var step = new DocumentEStep(batch, alphaArray, options, _expElogBeta!, gammaOut, k, MathMode, computeBound,
                SpecialFunctions.LogGamma(alphaSum) - logGammaAlphaSum, expElogTheta, ratios);
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
            if (accumulateStatistics) AddStatistics(batch, expElogTheta!, ratios!);
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
    /// Adds the batch's share Σ_d (n_dw / φnorm_dw) exp(Elogθ_d) into the shared statistics, by terms: the batch's
    /// distinct terms (ascending) are split into contiguous ranges, one per worker, and each worker walks the documents
    /// in order adding the non-zeros of its range. Every row is thus summed in document order on any thread count.
    /// </summary>
    private void AddStatistics(SparseBatch batch, float[] expElogTheta, float[] ratios)
    {
        int k = Topics, docs = batch.DocumentCount;
        _statistics ??= new float[_lambda!.Values.Length];
        var statistics = _statistics;
        foreach (int w in batch.TermIds)
            if (_touchedMark[w] == 0) { _touchedMark[w] = 1; _touched.Add(w); }
        var terms = batch.TermIds.ToArray();
        Array.Sort(terms);
        int distinct = 0;
        for (int i = 0; i < terms.Length; i++)
            if (i == 0 || terms[i] != terms[i - 1]) terms[distinct++] = terms[i];
        int workers = Math.Max(1, Math.Min(_threads, distinct / 64));
        void RunRange(int r)
        {
            int lo = terms[(int)((long)distinct * r / workers)];
            int hi = r == workers - 1 ? int.MaxValue : terms[(int)((long)distinct * (r + 1) / workers)];
            for (int d = 0; d < docs; d++)
            {
                int offset = batch.DocumentOffsets[d], length = batch.DocumentOffsets[d + 1] - offset;
                var ids = batch.TermIds.AsSpan(offset, length);
                int i = lo <= (length == 0 ? 0 : ids[0]) ? 0 : LowerBound(ids, lo);
                if (i >= length || ids[i] >= hi) continue;
                var theta = expElogTheta.AsSpan(d * k, k);
                for (; i < length && ids[i] < hi; i++)
                {
                    var target = statistics.AsSpan(ids[i] * k, k);
                    TensorPrimitives.MultiplyAdd(theta, ratios[offset + i], target, target);
                }
            }
        }
        if (distinct == 0) return;
        if (workers == 1) RunRange(0);
        else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, RunRange);
    }

    /// <summary>First index of <paramref name="ids"/> (ascending) holding a value ≥ <paramref name="value"/>.</summary>
    private static int LowerBound(ReadOnlySpan<int> ids, int value)
    {
        int lo = 0, hi = ids.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ids[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
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
        var step = new DocumentEStep(null, alpha, options, _expElogBeta!, [], k, MathMode, computeBound: false, 0);
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
        int k = Topics;
        _statistics ??= new float[_lambda!.Values.Length];
        var statistics = _statistics;
        var terms = _touched.ToArray();
        Array.Sort(terms);
        // s_kw = expElogβ_kw · Σ_d (n_dw / φnorm_dw) exp(Elogθ_dk); the rows are current (no step since the local steps)
        Parallel.For(0, (terms.Length + TermChunk - 1) / TermChunk, ParallelOptionsForThreads, c =>
        {
            var row = ArrayPool<float>.Shared.Rent(k);
            int end = Math.Min(terms.Length, (c + 1) * TermChunk);
            for (int i = c * TermChunk; i < end; i++)
            {
                int w = terms[i];
                _expElogBeta!.CopyRow(w, row.AsSpan(0, k));
                var s = statistics.AsSpan(w * k, k);
                TensorPrimitives.Multiply(s, row.AsSpan(0, k), s);
                _touchedMark[w] = 0;
            }
            ArrayPool<float>.Shared.Return(row);
        });
        _touched.Clear();
        // λ ← (1 − ρ) λ + ρ (η + scale · s)   (Hoffman et al. 2010, eq. 7), lazily for the terms without statistics
        _lambda!.Step(terms, statistics, rho, eta, scale);
        _expElogBeta!.Invalidate(_lambda.RowSums);
    }

    private ParallelOptions ParallelOptionsForThreads => new() { MaxDegreeOfParallelism = _threads };

    public void Dispose()
    {
        _lambda = null;
        _expElogBeta = null;
        _statistics = null;
        _scratchPool.Clear();
    }
}
