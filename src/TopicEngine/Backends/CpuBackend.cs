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
/// <para>Determinism: a batch's documents are split into <c>min(threads, D)</c> contiguous ranges,
/// worker w always takes range w; each worker adds its statistics into its own V×K buffer; the
/// global step sums the buffers in worker order and reduces row sums over fixed chunks of terms in
/// chunk order. So the same input, seed and thread count give byte-identical λ.</para>
/// <para>Local step: a document gathers its rows of expElogβ into a W_d×K scratch once; every
/// iteration is then two small mat-vec products, φnorm = E·exp(Elogθ) and acc = Eᵀ(n/φnorm).
/// Scratch is rented per worker per call, never per document. Calls without statistics touch
/// no shared mutable state and are thread-safe.</para>
/// <para>Global step: the λ update and row sums, dense and vectorised over V×K, parallel over chunks of
/// terms; ψ and exp are deferred to the rows the next batches touch (<see cref="ExpElogBetaRows"/>).
/// See benchmarks/TopicEngine.Benchmarks/CpuBackendBenchmarks.cs for measurements.</para>
/// </summary>
internal sealed partial class CpuBackend : ILdaBackend
{
    /// <summary>Terms per chunk of the global step; fixed (not derived from the thread count) so row sums reduce identically.</summary>
    private const int TermChunk = 256;

    private readonly int _threads;
    private float[] _lambda = [];             // λ: V×K, term-major
    private ExpElogBetaRows? _expElogBeta;    // exp(ψ(λ_kw) − ψ(Σ_w λ_kw)): V×K, term-major, rows refreshed on use
    private readonly float[]?[] _statistics;  // per worker s: V×K, term-major, allocated on first use
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
        _statistics = new float[]?[_threads];
        MathMode = mathMode;
    }

    public string Name => "cpu";
    public int Topics { get; }
    public int VocabularySize { get; private set; }

    /// <summary>Host bytes the backend allocates for V = <paramref name="vocabularySize"/>, K = <paramref name="topics"/> and
    /// <paramref name="threads"/> workers: λ and expElogβ plus one statistics buffer per worker (all V×K floats).</summary>
    internal static long ModelBytes(int vocabularySize, int topics, int threads) =>
        (2L + threads) * vocabularySize * topics * sizeof(float) + (long)vocabularySize * sizeof(int);

    /// <summary>Number of workers.</summary>
    public int Threads => _threads;

    /// <summary>Fast or precise special functions.</summary>
    public CpuMathMode MathMode { get; }

    public void SetLambda(ReadOnlySpan<float> lambda, int vocabularySize)
    {
        if (vocabularySize < 0 || lambda.Length != (long)vocabularySize * Topics)
            throw new ArgumentException("lambda must have V×K entries.", nameof(lambda));
        VocabularySize = vocabularySize;
        _lambda = lambda.ToArray();
        _expElogBeta = new ExpElogBetaRows(_lambda, vocabularySize, Topics, MathMode);
        for (int w = 0; w < _statistics.Length; w++)
            if (_statistics[w] is { } s)
                if (s.Length == _lambda.Length) Array.Clear(s);
                else _statistics[w] = null;
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

    public double TopicWordBound(float eta) => LdaMath.TopicWordBound(_lambda, VocabularySize, Topics, eta, _threads);

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
        if (accumulateStatistics)
            for (int w = 0; w < workers; w++) _statistics[w] ??= new float[_lambda.Length];

        var alphaArray = alpha.ToArray();
        double alphaSum = 0, logGammaAlphaSum = 0;
        foreach (var a in alphaArray) { alphaSum += a; logGammaAlphaSum += SpecialFunctions.LogGamma((double)a); }
        var gammaOut = ArrayPool<float>.Shared.Rent(docs * k);
        if (warm) initialGamma[..(docs * k)].CopyTo(gammaOut);   // each document starts from its row, then overwrites it
        var iterations = new long[workers];
        var bounds = new double[workers];
        try
        {
            var step = new DocumentEStep(batch, alphaArray, options, _expElogBeta!, gammaOut, k, MathMode, computeBound,
                SpecialFunctions.LogGamma(alphaSum) - logGammaAlphaSum, warm);
            void RunWorker(int w)
            {
                int first = (int)((long)docs * w / workers), end = (int)((long)docs * (w + 1) / workers);
                int longest = 0;
                for (int d = first; d < end; d++) longest = Math.Max(longest, batch.DocumentOffsets[d + 1] - batch.DocumentOffsets[d]);
                var scratch = RentScratch(longest);
                var statistics = accumulateStatistics ? _statistics[w] : null;
                long its = 0;
                double bound = 0;
                for (int d = first; d < end; d++) its += step.Invoke(d, scratch, statistics, ref bound);
                iterations[w] = its;
                bounds[w] = bound;
                _scratchPool.Add(scratch);
            }
            if (workers == 1) RunWorker(0);
            else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, RunWorker);
            gammaOut.AsSpan(0, docs * k).CopyTo(gamma);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(gammaOut);
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
        try { return (int)step.Invoke(termIds, counts, gamma[..k], scratch, null, ref bound); }
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
        var statistics = _statistics.Where(s => s is not null).Cast<float[]>().ToArray(); // worker order
        var partial = new double[chunks * k];
        Parallel.For(0, chunks, ParallelOptionsForThreads, c =>
        {
            int start = c * TermChunk * k, length = Math.Min(v, (c + 1) * TermChunk) * k - start;
            var merged = ArrayPool<float>.Shared.Rent(length);
            var s = merged.AsSpan(0, length);
            s.Clear();
            foreach (var worker in statistics)
            {
                var rows = worker.AsSpan(start, length);
                TensorPrimitives.Add(s, rows, s);
                rows.Clear();
            }
            // λ ← (1 − ρ) λ + ρ (η + scale · s)   (Hoffman et al. 2010, eq. 7)
            var lambda = _lambda.AsSpan(start, length);
            TensorPrimitives.Multiply(s, rho * scale, s);
            TensorPrimitives.Add(s, rho * eta, s);
            TensorPrimitives.MultiplyAdd(lambda, 1 - rho, s, lambda);
            ArrayPool<float>.Shared.Return(merged);
            AddColumnSums(lambda, partial.AsSpan(c * k, k));
        });
        _expElogBeta!.Invalidate(RowSums(partial));
    }

    private ParallelOptions ParallelOptionsForThreads => new() { MaxDegreeOfParallelism = _threads };

    private static int Chunks(int vocabularySize) => (vocabularySize + TermChunk - 1) / TermChunk;

    /// <summary>Adds a chunk's rows (term-major) into its K partial row sums, in term order, in double.</summary>
    private static void AddColumnSums(ReadOnlySpan<float> rows, Span<double> sums)
    {
        int k = sums.Length;
        for (int at = 0; at < rows.Length; at += k)
            for (int t = 0; t < k; t++) sums[t] += rows[at + t];
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
        Array.Clear(_statistics);
        _scratchPool.Clear();
    }
}
