using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Kernels;

namespace TopicEngine.Backends;

/// <summary>
/// The <see cref="ILdaBackend"/> contract on an ILGPU accelerator (CUDA, OpenCL, or ILGPU's CPU
/// accelerator in tests). λ, expElogβ and the statistics stay on the device for the whole fit
/// (V×K, term-major); only γ and per-document scalars come back per batch, and λ only on
/// <see cref="GetLambda"/>: the β bound, Σ Elogβ and document completion are reduced on the device
/// (one double per group or document comes back, added on the host in a fixed order).
/// Kernels (<c>kernels/TopicEngine.Kernels</c>) are loaded once.
/// Statistics are summed in 64-bit fixed point, so the same input on the same device gives
/// byte-identical λ (float atomics would make the sum depend on thread-group timing).
/// <para>A batch is processed in chunks of at most <c>chunkDocuments</c> documents through two
/// slots of page-locked host and device buffers: while chunk c computes on the compute stream, the
/// host stages chunk c + 1 and uploads it on the copy stream, then downloads chunk c's γ while
/// chunk c + 1 computes. The contract is synchronous, so overlap happens inside a batch.</para>
/// <para>Thread safety: every call takes one lock, so concurrent <see cref="LocalStep"/> calls
/// (with or without statistics) are serialised; the device runs one batch at a time anyway. Each
/// call binds the accelerator to the calling thread (a CUDA context is current per thread).</para>
/// <para>Performance levers of issue 16, item 8 (<see cref="GpuLevers"/>, off by default; <c>GpuBackend.Levers.cs</c>): statistics
/// without atomics, chunks on one stream without host waits, unrolled loops over K.</para>
/// <para>The backend does not own the accelerator; dispose the accelerator after the backend.</para>
/// </summary>
internal sealed partial class GpuBackend : ILdaBackend
{
    /// <summary>Default documents per chunk: a chunk is one kernel launch (one group per document).</summary>
    public const int DefaultChunkDocuments = 2048;

    private const int MaxBlendGroups = 1024;

    /// <summary>Most groups of the V×K sums (<see cref="ModelSumKernels"/>): one double each comes back.</summary>
    private const int MaxSumGroups = 1024;

    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _computeStream;
    private readonly AcceleratorStream _copyStream;
    private readonly object _gate = new();
    private readonly int _chunkDocuments;
    private readonly int _localGroupSize;     // threads per document group (multiple of the warp size)
    private readonly LocalGroupShape _localGroup;
    private readonly int _blendGroupSize;     // threads per group of the blend kernel
    private readonly GpuLevers _levers;

    private readonly Action<AcceleratorStream, KernelConfig, BatchView, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, LocalStepSettings> _eStep;
    private readonly Action<AcceleratorStream, KernelConfig, BatchView, ArrayView<float>, ArrayView<float>,
        ArrayView<long>, int, int> _statisticsKernel;
    private readonly Action<AcceleratorStream, KernelConfig, BatchView, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, int> _boundKernel;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<long>, ArrayView<double>,
        GlobalStepSettings> _blendKernel;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<double>, ArrayView<double>, ArrayView<float>, int, int> _digammaKernel;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _expElogBetaKernel;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<double>, int, int, float, double> _topicWordBoundKernel;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<double>, int, int> _digammaPartialsKernel;
    private readonly Action<AcceleratorStream, KernelConfig, BatchView, ArrayView<float>, ArrayView<double>, ArrayView<float>,
        ArrayView<double>, int> _completionKernel;

    private MemoryBuffer1D<float, Stride1D.Dense>? _lambda;       // λ: V×K, term-major
    private MemoryBuffer1D<float, Stride1D.Dense>? _expElogBeta;  // exp(Elogβ): V×K, term-major
    private MemoryBuffer1D<long, Stride1D.Dense>? _statistics;    // s · 2³²: V×K, term-major, fixed point (order-independent sums)
    private MemoryBuffer1D<double, Stride1D.Dense>? _partialSums; // blend groups×K
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _rowSums;     // Σ_w λ_wk: K, summed in double
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _psiRowSums;   // ψ(Σ_w λ_wk): K
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _sumPartials; // V×K sums: one per group, ≤ MaxSumGroups
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _documentLogLikelihood;   // completion ll_d: chunk documents
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _alpha;        // α: K
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _failure;        // 0, or 1 + failed document
    private readonly BatchSlot[] _slots;
    private int _blendGroups;
    private long _batchNumber;
    private double[] _pendingTermTokens = [];   // Σ n_dw per term gathered into the statistics since the last global step: V

    /// <summary>Most tokens of one term the fixed-point statistics (s · 2³² in a long) can hold between two global steps:
    /// s_wk ≤ Σ_d n_dw, so below this no entry can overflow.</summary>
    internal const double MaxStatisticsTokensPerTerm = long.MaxValue / (double)DeviceMath.StatisticsScale;

    /// <summary>Creates the backend on <paramref name="accelerator"/> for <paramref name="topics"/> topics, with the performance
    /// <paramref name="levers"/> (null: those <see cref="GpuLevers.EnvironmentVariable"/> names).</summary>
    /// <exception cref="TopicEngineException">K needs more shared memory per group than the device has.</exception>
    public GpuBackend(Accelerator accelerator, int topics, int chunkDocuments = DefaultChunkDocuments, GpuLevers? levers = null)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (topics <= 0) throw new ArgumentOutOfRangeException(nameof(topics));
        if (chunkDocuments <= 0) throw new ArgumentOutOfRangeException(nameof(chunkDocuments));
        _accelerator = accelerator;
        Topics = topics;
        _chunkDocuments = chunkDocuments;
        _levers = levers ?? GpuLevers.FromEnvironment();
        Name = accelerator.AcceleratorType switch
        {
            AcceleratorType.Cuda => "cuda",
            AcceleratorType.OpenCL => "opencl",
            AcceleratorType.CPU => "ilgpu-cpu",
            _ => "ilgpu",
        };
        _localGroup = ChooseLocalGroup(topics, accelerator.WarpSize, accelerator.MaxNumThreadsPerGroup,
            accelerator.MaxSharedMemoryPerGroup, accelerator.Name);
        _localGroupSize = _localGroup.Threads;
        _blendGroupSize = WholeWarps(accelerator, Math.Min(256, accelerator.MaxNumThreadsPerGroup));

        _eStep = Loaded(accelerator, nameof(_eStep), () => accelerator.LoadKernel<BatchView, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<int>, ArrayView<int>, LocalStepSettings>(LocalStepKernels.EStep));
        _statisticsKernel = Loaded(accelerator, nameof(_statisticsKernel), () => accelerator.LoadKernel<BatchView, ArrayView<float>, ArrayView<float>, ArrayView<long>, int, int>(
            LocalStepKernels.Statistics));
        _tokenRatiosKernel = Loaded(accelerator, nameof(_tokenRatiosKernel), () => accelerator.LoadKernel<BatchView, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, int, int>(TermStatisticsKernels.TokenRatios));
        _termStatisticsKernel = Loaded(accelerator, nameof(_termStatisticsKernel), () => accelerator.LoadAutoGroupedKernel<Index1D, TermTransposeView,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<long>, int>(TermStatisticsKernels.TermStatistics));
        _boundKernel = Loaded(accelerator, nameof(_boundKernel), () => accelerator.LoadKernel<BatchView, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, int>(LocalStepKernels.DocumentBound));
        _blendKernel = Loaded(accelerator, nameof(_blendKernel), () => accelerator.LoadKernel<ArrayView<float>, ArrayView<long>, ArrayView<double>, GlobalStepSettings>(
            GlobalStepKernels.BlendAndPartialRowSums));
        _digammaKernel = Loaded(accelerator, nameof(_digammaKernel), () => accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<float>, int, int>(
            GlobalStepKernels.DigammaOfRowSums));
        _expElogBetaKernel = Loaded(accelerator, nameof(_expElogBetaKernel), () => accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, int>(GlobalStepKernels.ExpElogBeta));
        _topicWordBoundKernel = Loaded(accelerator, nameof(_topicWordBoundKernel), () => accelerator.LoadKernel<ArrayView<float>, ArrayView<double>, int, int, float, double>(
            ModelSumKernels.TopicWordBoundPartials));
        _digammaPartialsKernel = Loaded(accelerator, nameof(_digammaPartialsKernel), () => accelerator.LoadKernel<ArrayView<float>, ArrayView<double>, int, int>(
            ModelSumKernels.DigammaPartials));
        _completionKernel = Loaded(accelerator, nameof(_completionKernel), () => accelerator.LoadKernel<BatchView, ArrayView<float>, ArrayView<double>, ArrayView<float>,
            ArrayView<double>, int>(ModelSumKernels.CompletionLogLikelihood));

        _computeStream = accelerator.CreateStream();
        _copyStream = accelerator.CreateStream();
        _rowSums = accelerator.Allocate1D<double>(topics);
        _psiRowSums = accelerator.Allocate1D<float>(topics);
        _sumPartials = accelerator.Allocate1D<double>(MaxSumGroups);
        _documentLogLikelihood = accelerator.Allocate1D<double>(chunkDocuments);
        _alpha = accelerator.Allocate1D<float>(topics);
        _failure = accelerator.Allocate1D<int>(1);
        _slots = [new BatchSlot(accelerator, chunkDocuments, topics), new BatchSlot(accelerator, chunkDocuments, topics)];
        if (_levers.TermStatistics) foreach (var slot in _slots) slot.Terms = new TermTransposeBuffers(accelerator);
    }

    /// <summary>The performance levers this backend runs with.</summary>
    internal GpuLevers Levers => _levers;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Topics { get; }

    /// <inheritdoc/>
    public int VocabularySize { get; private set; }

    /// <summary>The accelerator's name, for logs ("NVIDIA H100 80GB HBM3", "CPUAccelerator").</summary>
    public string DeviceName => _accelerator.Name;

    /// <summary>Threads per document group of the local-step kernels.</summary>
    internal int LocalGroupSize => _localGroupSize;

    /// <summary>The local-step group: threads and E-step tokens per chunk.</summary>
    internal LocalGroupShape LocalGroup => _localGroup;

    /// <inheritdoc/>
    public void SetLambda(ReadOnlySpan<float> lambda, int vocabularySize)
    {
        if (vocabularySize <= 0) throw new ArgumentOutOfRangeException(nameof(vocabularySize));
        if ((long)vocabularySize * Topics > int.MaxValue)
            throw new TopicEngineException($"the model has V×K = {vocabularySize}×{Topics} entries, more than the {int.MaxValue} a device buffer indexes; prune the vocabulary (--keep-n) or lower --topics");
        if (lambda.Length != vocabularySize * Topics) throw new ArgumentException("lambda must have V×K entries.", nameof(lambda));
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            int length = vocabularySize * Topics;
            int termsPerGroup = Math.Max(1, (vocabularySize + MaxBlendGroups - 1) / MaxBlendGroups);
            int groups = (vocabularySize + termsPerGroup - 1) / termsPerGroup;
            if (_lambda is null || _lambda.Length != length || _blendGroups != groups)
            {
                CheckFits(vocabularySize, _slots[0].NonZeroCapacity);
                FreeModel();
                try
                {
                    _lambda = _accelerator.Allocate1D<float>(length);
                    _expElogBeta = _accelerator.Allocate1D<float>(length);
                    _statistics = _accelerator.Allocate1D<long>(length);
                    _partialSums = _accelerator.Allocate1D<double>((long)groups * Topics);
                }
                catch (Exception e) when (e is OutOfMemoryException or AcceleratorException)
                {
                    FreeModel();
                    throw new TopicEngineException($"{Name} device '{DeviceName}' could not allocate the model ({Mib(ModelBytes(vocabularySize))} MiB for V={vocabularySize}, K={Topics}): {e.Message}; lower --topics, prune the vocabulary or use --device cpu", e);
                }
                _blendGroups = groups;
            }
            VocabularySize = vocabularySize;
            _lambda!.View.CopyFromCPU(_computeStream, lambda);
            _statistics!.MemSetToZero(_computeStream);
            // ρ = 0 leaves λ as loaded (exactly: 1·λ + 0·(0 + 0·0)) and computes the row sums.
            RefreshModel(rho: 0f, eta: 0f, scale: 0f);
            _pendingTermTokens = new double[vocabularySize];
            _computeStream.Synchronize();
        }
    }

    /// <inheritdoc/>
    public LocalStepResult LocalStep(SparseBatch batch, ReadOnlySpan<float> alpha, LocalStepOptions options,
        Span<float> gamma, bool accumulateStatistics, bool computeBound, ReadOnlySpan<float> initialGamma = default)
    {
        bool warm = !initialGamma.IsEmpty;
        if (warm && initialGamma.Length < batch.DocumentCount * Topics) throw new ArgumentException("initialGamma must hold DocumentCount×K.", nameof(initialGamma));
        int k = Topics;
        if (alpha.Length != k) throw new ArgumentException("alpha must have K entries.", nameof(alpha));
        if (gamma.Length < batch.DocumentCount * k) throw new ArgumentException("gamma must hold DocumentCount×K.", nameof(gamma));
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            if (_lambda is null) throw new InvalidOperationException("SetLambda must be called before LocalStep.");
            long batchNumber = ++_batchNumber;
            int documents = batch.DocumentCount;
            if (documents == 0) return new LocalStepResult(0, 0, 0, computeBound ? 0 : double.NaN);
            // Checked on the host before any chunk is staged: an id ≥ V would read past expElogβ on the device.
            BatchTermIds.Check(batch, VocabularySize, $"local step of batch {batchNumber} on {Name} device '{DeviceName}'");
            if (accumulateStatistics) ReserveStatistics(batch, batchNumber);

            _alpha.View.CopyFromCPU(_computeStream, alpha);
            _failure.MemSetToZero(_computeStream);
            _computeStream.Synchronize();

            if (_levers.OneStreamChunks) return LocalStepOnOneStream(batch, batchNumber, options, gamma, accumulateStatistics, computeBound, initialGamma);
            int chunks = (documents + _chunkDocuments - 1) / _chunkDocuments;
            long iterations = 0;
            double bound = 0;
            Stage(batch, 0, _slots[0], accumulateStatistics, initialGamma);
            _copyStream.Synchronize();
            Launch(_slots[0], options, accumulateStatistics, computeBound, warm);
            for (int c = 0; c < chunks; c++)
            {
                var slot = _slots[c % 2];
                if (c + 1 < chunks) Stage(batch, (c + 1) * _chunkDocuments, _slots[(c + 1) % 2], accumulateStatistics, initialGamma);
                _computeStream.Synchronize();   // chunk c computed
                _copyStream.Synchronize();      // chunk c + 1 uploaded
                if (c + 1 < chunks)
                    Launch(_slots[(c + 1) % 2], options, accumulateStatistics, computeBound, warm);
                slot.Download(_copyStream, k, computeBound);
                _copyStream.Synchronize();
                slot.HostGamma.Span[..(slot.Documents * k)].CopyTo(gamma.Slice(slot.FirstDocument * k, slot.Documents * k));
                foreach (int n in slot.HostIterations.Span[..slot.Documents]) iterations += n;
                if (computeBound)
                    foreach (float b in slot.HostBound.Span[..slot.Documents]) bound += b;
            }

            ThrowOnFailure(batch, batchNumber);
            return new LocalStepResult(documents, batch.TokenCount, iterations, computeBound ? bound : double.NaN);
        }
    }

    /// <summary>Downloads the E-step's failure flag (queued on the compute stream) and throws when a γ became NaN or ∞.</summary>
    private void ThrowOnFailure(SparseBatch batch, long batchNumber)
    {
        int failed = 0;
        _failure.View.CopyToCPU(_computeStream, new Span<int>(ref failed));
        _computeStream.Synchronize();
        if (failed != 0)
            throw new TopicEngineException(
                $"local step of batch {batchNumber} (first document '{batch.Keys[0]}'): γ of document '{batch.Keys[failed - 1]}' " +
                $"became NaN or infinite on {Name} device '{DeviceName}'; check that λ and α are finite and positive, or run with --device cpu");
    }

    /// <inheritdoc/>
    public void GlobalStep(float rho, float eta, float scale)
    {
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            if (_lambda is null) throw new InvalidOperationException("SetLambda must be called before GlobalStep.");
            RefreshModel(rho, eta, scale);
            Array.Clear(_pendingTermTokens);
            _computeStream.Synchronize();
        }
    }

    /// <inheritdoc/>
    /// <remarks>On the device: Σ_kw [(η − λ_kw) ψ(λ_kw) + lnΓ(λ_kw) − lnΓ(η)] (<see cref="ModelSumKernels.TopicWordBoundPartials"/>);
    /// on the host, from the K row sums S_k: + Σ_k [lnΓ(Vη) − lnΓ(S_k) − ψ(S_k) (Vη − S_k)].</remarks>
    public double TopicWordBound(float eta)
    {
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            if (_lambda is null) throw new InvalidOperationException("SetLambda must be called before TopicWordBound.");
            int v = VocabularySize;
            var (groups, run) = SumGroups();
            _topicWordBoundKernel(_computeStream, SumConfig(groups), _lambda.View, _sumPartials.View, v * Topics, run,
                eta, SpecialFunctions.LogGamma((double)eta));
            double bound = SumPartials(groups);
            double logGammaVEta = SpecialFunctions.LogGamma((double)v * eta);
            foreach (double rowSum in DownloadRowSums())
                bound += logGammaVEta - SpecialFunctions.LogGamma(rowSum) - SpecialFunctions.Digamma(rowSum) * ((double)v * eta - rowSum);
            return bound;
        }
    }

    /// <inheritdoc/>
    /// <remarks>On the device: Σ_kw ψ(λ_kw) (<see cref="ModelSumKernels.DigammaPartials"/>); on the host: − V Σ_k ψ(S_k).</remarks>
    public double SumElogBeta()
    {
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            if (_lambda is null) throw new InvalidOperationException("SetLambda must be called before SumElogBeta.");
            int v = VocabularySize;
            var (groups, run) = SumGroups();
            _digammaPartialsKernel(_computeStream, SumConfig(groups), _lambda.View, _sumPartials.View, v * Topics, run);
            double total = SumPartials(groups);
            foreach (double rowSum in DownloadRowSums()) total -= v * SpecialFunctions.Digamma(rowSum);
            return total;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The scored batch and γ go up chunk by chunk through the first pipeline slot; one group per
    /// document (<see cref="ModelSumKernels.CompletionLogLikelihood"/>) returns ll_d, added on the host in document order.</remarks>
    /// <exception cref="TopicEngineException">A term id of <paramref name="scored"/> is not below V.</exception>
    public double CompletionLogLikelihood(SparseBatch scored, ReadOnlySpan<float> gamma)
    {
        ArgumentNullException.ThrowIfNull(scored);
        int k = Topics;
        if (gamma.Length < (long)scored.DocumentCount * k) throw new ArgumentException("gamma must hold DocumentCount×K.", nameof(gamma));
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            if (_lambda is null) throw new InvalidOperationException("SetLambda must be called before CompletionLogLikelihood.");
            BatchTermIds.Check(scored, VocabularySize, "document completion");
            int documents = scored.DocumentCount;
            var slot = _slots[0];
            var logLikelihood = new double[Math.Min(documents, _chunkDocuments)];
            int warps = _localGroupSize / _accelerator.WarpSize;
            double total = 0;
            for (int first = 0; first < documents; first += _chunkDocuments)
            {
                Stage(scored, first, slot, accumulateStatistics: false);
                slot.UploadGamma(_copyStream, gamma.Slice(first * k, slot.Documents * k));
                _copyStream.Synchronize();
                var config = new KernelConfig(slot.Documents, _localGroupSize,
                    SharedMemoryConfig.RequestDynamic<double>(ModelSumKernels.CompletionSharedDoubles(k, warps)));
                _completionKernel(_computeStream, config, slot.View, _lambda.View, _rowSums.View, slot.Gamma.View,
                    _documentLogLikelihood.View, k);
                var chunk = logLikelihood.AsSpan(0, slot.Documents);
                _documentLogLikelihood.View.SubView(0, slot.Documents).CopyToCPU(_computeStream, chunk);
                _computeStream.Synchronize();
                foreach (double ll in chunk) total += ll;
            }
            return total;
        }
    }

    /// <summary>Adds the batch's term counts to those gathered since the last global step, or, when a term would pass
    /// <see cref="MaxStatisticsTokensPerTerm"/> (the 64-bit fixed point would overflow), takes them back and throws.</summary>
    private void ReserveStatistics(SparseBatch batch, long batchNumber)
    {
        var ids = batch.TermIds.AsSpan(0, batch.DocumentOffsets[^1]);
        var counts = batch.Counts.AsSpan(0, ids.Length);
        int over = -1;
        for (int i = 0; i < ids.Length; i++)
        {
            _pendingTermTokens[ids[i]] += counts[i];
            if (over < 0 && _pendingTermTokens[ids[i]] > MaxStatisticsTokensPerTerm) over = ids[i];
        }
        if (over < 0) return;
        double total = _pendingTermTokens[over];
        for (int i = 0; i < ids.Length; i++) _pendingTermTokens[ids[i]] -= counts[i];
        throw new TopicEngineException(
            $"local step of batch {batchNumber} on {Name} device '{DeviceName}': term id {over} would occur {total:N0} times between two " +
            $"global steps, more than the {MaxStatisticsTokensPerTerm:N0} the device's 64-bit fixed-point statistics hold; " +
            "use smaller batches (--mode online, --batch-size) or --device cpu");
    }

    /// <summary>Groups of the V×K sums and the run of entries each takes: as many groups as fill the
    /// device (at most <see cref="MaxSumGroups"/>), each a whole number of group-strided passes.</summary>
    private (int Groups, int Run) SumGroups()
    {
        long length = (long)VocabularySize * Topics;
        int groups = (int)Math.Min(MaxSumGroups, (length + _blendGroupSize - 1) / _blendGroupSize);
        int run = (int)((length + groups - 1) / groups);
        return (groups, run);
    }

    private KernelConfig SumConfig(int groups) => new(groups, _blendGroupSize,
        SharedMemoryConfig.RequestDynamic<double>(ModelSumKernels.PartialsSharedDoubles(_blendGroupSize / _accelerator.WarpSize)));

    /// <summary>Downloads the groups' partial sums (queued on the compute stream) and adds them in group order.</summary>
    private double SumPartials(int groups)
    {
        var partials = new double[groups];
        _sumPartials.View.SubView(0, groups).CopyToCPU(_computeStream, partials);
        _computeStream.Synchronize();
        double total = 0;
        foreach (double p in partials) total += p;
        return total;
    }

    /// <summary>The K row sums Σ_w λ_wk (summed in double) kept by the last <see cref="RefreshModel"/>.</summary>
    private double[] DownloadRowSums()
    {
        var rowSums = new double[Topics];
        _rowSums.View.CopyToCPU(_computeStream, rowSums);
        _computeStream.Synchronize();
        return rowSums;
    }

    /// <summary>Times λ (V×K floats) was copied from the device to the host (<see cref="GetLambda"/>); a fit does it once, for the
    /// save, plus once per checkpoint.</summary>
    internal int LambdaDownloads { get; private set; }

    public void GetLambda(Span<float> lambda)
    {
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            if (_lambda is null) throw new InvalidOperationException("SetLambda must be called before GetLambda.");
            LambdaDownloads++;
            _lambda.View.CopyToCPU(_computeStream, lambda[..(int)_lambda.Length]);
            _computeStream.Synchronize();
        }
    }

    /// <summary>Copies expElogβ (V×K, term-major) from the device; for tests and <c>devices --check</c>.</summary>
    internal void GetExpElogBeta(Span<float> expElogBeta)
    {
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            _expElogBeta!.View.CopyToCPU(_computeStream, expElogBeta[..(int)_expElogBeta.Length]);
            _computeStream.Synchronize();
        }
    }

    /// <summary>Copies the statistics gathered since the last global step (V×K, term-major).</summary>
    internal void GetStatistics(Span<float> statistics)
    {
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            var fixedPoint = new long[_statistics!.Length];
            _statistics.View.CopyToCPU(_computeStream, fixedPoint);
            _computeStream.Synchronize();
            for (int i = 0; i < fixedPoint.Length; i++) statistics[i] = fixedPoint[i] * DeviceMath.InverseStatisticsScale;
        }
    }

    /// <summary>λ ← (1 − ρ) λ + ρ (η + scale · s), s ← 0, then expElogβ from the new λ (three launches).</summary>
    private void RefreshModel(float rho, float eta, float scale)
    {
        int v = VocabularySize, k = Topics;
        int termsPerGroup = (v + _blendGroups - 1) / _blendGroups;
        var blendConfig = new KernelConfig(_blendGroups, _blendGroupSize,
            SharedMemoryConfig.RequestDynamic<double>(GlobalStepKernels.BlendSharedDoubles(k, _blendGroupSize)));
        _blendKernel(_computeStream, blendConfig, _lambda!.View, _statistics!.View, _partialSums!.View,
            new GlobalStepSettings(k, v, termsPerGroup, rho, eta, scale));
        _digammaKernel(_computeStream, k, _partialSums.View, _rowSums.View, _psiRowSums.View, k, _blendGroups);
        _expElogBetaKernel(_computeStream, v * k, _lambda.View, _psiRowSums.View, _expElogBeta!.View, k);
    }

    /// <summary>Copies documents [first, first + chunk) into the slot's page-locked buffers (offsets
    /// rebased to 0) and starts their upload on the copy stream; with a warm start also their initial γ.</summary>
    private void Stage(SparseBatch batch, int first, BatchSlot slot, bool accumulateStatistics, ReadOnlySpan<float> initialGamma = default)
    {
        int documents = Math.Min(_chunkDocuments, batch.DocumentCount - first);
        int begin = batch.DocumentOffsets[first];
        int nonZeros = batch.DocumentOffsets[first + documents] - begin;
        if (nonZeros > slot.NonZeroCapacity)
        {
            int capacity = Math.Max(nonZeros, (int)Math.Min(int.MaxValue, 2L * slot.NonZeroCapacity));
            CheckFits(VocabularySize, capacity);
            try
            {
                slot.GrowNonZeros(_accelerator, capacity);
            }
            catch (Exception e) when (e is OutOfMemoryException or AcceleratorException)
            {
                throw new TopicEngineException($"{Name} device '{DeviceName}' could not allocate batch buffers for {nonZeros} non-zeros: {e.Message}; lower --batch-size", e);
            }
        }
        slot.FirstDocument = first;
        slot.Documents = documents;
        slot.NonZeros = nonZeros;
        var offsets = slot.HostOffsets.Span;
        for (int i = 0; i <= documents; i++) offsets[i] = batch.DocumentOffsets[first + i] - begin;
        batch.TermIds.AsSpan(begin, nonZeros).CopyTo(slot.HostTermIds.Span);
        batch.Counts.AsSpan(begin, nonZeros).CopyTo(slot.HostCounts.Span);
        slot.Upload(_copyStream);
        if (!initialGamma.IsEmpty) slot.UploadGamma(_copyStream, initialGamma.Slice(first * Topics, documents * Topics));
        slot.StagedTerms = accumulateStatistics && slot.Terms is { } terms
            ? StageTerms(terms, slot.HostTermIds.Span, offsets[..(documents + 1)], 0, 0, _copyStream)
            : default;
    }

    /// <summary>Queues the kernels of the chunk staged in <paramref name="slot"/> on the compute stream.</summary>
    private void Launch(BatchSlot slot, LocalStepOptions options, bool accumulateStatistics, bool computeBound, bool warm = false) =>
        Launch(slot.FirstDocument, slot.View, slot, options, accumulateStatistics, computeBound, warm);

    /// <summary>Queues the kernels of the chunk <paramref name="view"/> (documents from batch row <paramref name="first"/>) on the
    /// compute stream, with its outputs in <paramref name="slot"/> (its <see cref="BatchSlot.Documents"/> documents).</summary>
    private void Launch(int first, BatchView view, BatchSlot slot, LocalStepOptions options, bool accumulateStatistics, bool computeBound, bool warm = false)
    {
        int k = Topics;
        int warps = _localGroupSize / _accelerator.WarpSize;
        int unrolled = _levers.UnrolledTopicLoops ? 1 : 0;
        var eStepConfig = new KernelConfig(slot.Documents, _localGroupSize,
            SharedMemoryConfig.RequestDynamic<float>((int)LocalStepKernels.EStepSharedFloats(k, _localGroup.TokensPerChunk, warps)));
        _eStep(_computeStream, eStepConfig, view, _expElogBeta!.View, _alpha.View, slot.Gamma.View, slot.ExpElogTheta.View,
            slot.Iterations.View, _failure.View,
            new LocalStepSettings(k, options.MaxIterations, options.Tolerance, first, _localGroup.TokensPerChunk, unrolled, warm,
                options.Relaxation, LdaMath.PlainIterations, options.ToleranceByLength));
        if (accumulateStatistics && _levers.TermStatistics)
            LaunchTermStatistics(view, slot, slot.StagedTerms, unrolled);
        else if (accumulateStatistics)
        {
            var config = new KernelConfig(slot.Documents, _localGroupSize,
                SharedMemoryConfig.RequestDynamic<float>((int)LocalStepKernels.StatisticsSharedFloats(k)));
            _statisticsKernel(_computeStream, config, view, _expElogBeta.View, slot.ExpElogTheta.View, _statistics!.View, k, unrolled);
        }
        if (computeBound)
        {
            var config = new KernelConfig(slot.Documents, _localGroupSize,
                SharedMemoryConfig.RequestDynamic<float>((int)LocalStepKernels.DocumentBoundSharedFloats(k, warps)));
            _boundKernel(_computeStream, config, view, _expElogBeta.View, _alpha.View, slot.Gamma.View, slot.Bound.View, k);
        }
    }

    /// <summary>How each kernel is launched for K = <see cref="Topics"/> on this device: threads per group, dynamic shared
    /// memory per group, and the groups that fit one multiprocessor at once as the device estimates them (on CUDA the
    /// driver's occupancy calculator, which also counts registers), with the occupancy that gives: resident threads over
    /// the multiprocessor's maximum. For <c>devices --check</c>.</summary>
    internal IReadOnlyList<KernelLaunchShape> DescribeLaunches()
    {
        int k = Topics;
        var shared = LocalSharedBytes(k, _accelerator.WarpSize, _localGroup);
        int sumWarps = _blendGroupSize / _accelerator.WarpSize;
        return
        [
            Shape("EStep", _eStep, _localGroupSize, shared.EStep),
            Shape("Statistics", _statisticsKernel, _localGroupSize, shared.Statistics),
            Shape("DocumentBound", _boundKernel, _localGroupSize, shared.Bound),
            Shape("CompletionLogLikelihood", _completionKernel, _localGroupSize, shared.Completion),
            Shape("BlendAndPartialRowSums", _blendKernel, _blendGroupSize, GlobalStepKernels.BlendSharedDoubles(k, _blendGroupSize) * (long)sizeof(double)),
            Shape("TopicWordBoundPartials", _topicWordBoundKernel, _blendGroupSize, ModelSumKernels.PartialsSharedDoubles(sumWarps) * (long)sizeof(double)),
            Shape("DigammaPartials", _digammaPartialsKernel, _blendGroupSize, ModelSumKernels.PartialsSharedDoubles(sumWarps) * (long)sizeof(double)),
        ];
    }

    private KernelLaunchShape Shape<TDelegate>(string name, TDelegate kernel, int groupSize, long sharedBytes) where TDelegate : Delegate
    {
        int groups;
        try
        {
            groups = _accelerator.EstimateMaxActiveGroupsPerMultiprocessor(kernel.GetKernel(), groupSize, (int)Math.Min(int.MaxValue, sharedBytes));
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or AcceleratorException or ArgumentException)
        {
            groups = -1;   // the device cannot say
        }
        double occupancy = groups < 0 ? double.NaN
            : Math.Min(1.0, groups * (double)groupSize / Math.Max(1, _accelerator.MaxNumThreadsPerMultiprocessor));
        return new KernelLaunchShape(name, groupSize, sharedBytes, groups, occupancy);
    }

    /// <summary>Threads per document group of the local-step kernels and the document tokens the E-step takes at
    /// once, from K and the device's limits only (<see cref="ChooseLocalGroup"/>).</summary>
    /// <param name="Threads">Threads per group: whole warps, at most 8.</param>
    /// <param name="TokensPerChunk">Tokens whose n_w / φnorm_w the E-step keeps in shared memory at once.</param>
    internal readonly record struct LocalGroupShape(int Threads, int TokensPerChunk);

    /// <summary>One kernel's launch on the device (<see cref="DescribeLaunches"/>): threads per group, dynamic shared memory per
    /// group, groups resident on one multiprocessor at once (−1 when the device cannot estimate it), and resident threads over
    /// the multiprocessor's maximum (0 … 1; NaN when unknown).</summary>
    internal sealed record KernelLaunchShape(string Kernel, int GroupSize, long SharedMemoryBytes, int ActiveGroupsPerMultiprocessor, double Occupancy);

    /// <summary>Bytes of dynamic shared memory per group each per-document kernel requests for <paramref name="shape"/>:
    /// E-step, statistics, document bound, document completion.</summary>
    internal static (long EStep, long Statistics, long Bound, long Completion) LocalSharedBytes(int topics, int warpSize, LocalGroupShape shape)
    {
        int warps = shape.Threads / warpSize;
        return (LocalStepKernels.EStepSharedFloats(topics, shape.TokensPerChunk, warps) * sizeof(float),
            LocalStepKernels.StatisticsSharedFloats(topics) * sizeof(float),
            LocalStepKernels.DocumentBoundSharedFloats(topics, warps) * sizeof(float),
            ModelSumKernels.CompletionSharedDoubles(topics, warps) * (long)sizeof(double));
    }

    /// <summary>
    /// The per-document group for K = <paramref name="topics"/> on a device with the given limits, a pure function:
    /// up to 8 warps (fewer when the device's groups are smaller) and as many tokens per E-step chunk as threads,
    /// fewer when K + tokens + 2 × warps floats would pass the shared memory. Every local kernel needs O(K) shared
    /// memory (completion: K + warps doubles), so a device with 48 KiB per group runs K up to about 6,000.
    /// </summary>
    /// <exception cref="TopicEngineException">K needs more shared memory per group than the device has.</exception>
    internal static LocalGroupShape ChooseLocalGroup(int topics, int warpSize, int maxThreadsPerGroup, long maxSharedBytesPerGroup,
        string deviceName = "the device")
    {
        if (topics <= 0) throw new ArgumentOutOfRangeException(nameof(topics));
        if (warpSize <= 0) throw new ArgumentOutOfRangeException(nameof(warpSize));
        int warps = Math.Max(1, Math.Min(8, maxThreadsPerGroup / warpSize));
        int threads = warps * warpSize;
        long maxFloats = maxSharedBytesPerGroup / sizeof(float);
        long tokens = Math.Min(threads, maxFloats - LocalStepKernels.EStepSharedFloats(topics, 0, warps));
        var shape = new LocalGroupShape(threads, (int)Math.Max(1, tokens));
        var bytes = LocalSharedBytes(topics, warpSize, shape);
        long needed = Math.Max(Math.Max(bytes.EStep, bytes.Statistics), Math.Max(bytes.Bound, bytes.Completion));
        if (tokens < 1 || needed > maxSharedBytesPerGroup)
            throw new TopicEngineException(
                $"K = {topics} topics need {(needed + 1023) / 1024} KiB of shared memory per document group on device '{deviceName}', " +
                $"which has {maxSharedBytesPerGroup / 1024} KiB; lower --topics or use --device cpu");
        return shape;
    }

    /// <summary>Kernels loaded on each accelerator, by field: loading generates code (the PTX JIT on CUDA, IL on the CPU
    /// simulator), so every backend on an accelerator after the first reuses them. They go with the accelerator.</summary>
    private static readonly ConditionalWeakTable<Accelerator, Dictionary<string, Delegate>> s_loadedKernels = [];

    private static T Loaded<T>(Accelerator accelerator, string name, Func<T> load) where T : Delegate
    {
        var kernels = s_loadedKernels.GetOrCreateValue(accelerator);
        lock (kernels)
        {
            if (!kernels.TryGetValue(name, out var kernel)) kernels[name] = kernel = load();
            return (T)kernel;
        }
    }

    private static int WholeWarps(Accelerator accelerator, int threads) =>
        Math.Max(accelerator.WarpSize, threads / accelerator.WarpSize * accelerator.WarpSize);

    private long ModelBytes(int vocabularySize) => ModelBytes(vocabularySize, Topics);

    /// <summary>Device bytes of the model for V = <paramref name="vocabularySize"/>, K = <paramref name="topics"/>:
    /// λ and expElogβ (floats), the statistics (64-bit fixed point), the blend's partial row sums and the row sums (doubles),
    /// ψ(row sums), α (floats) and the partials of the V×K sums (doubles).</summary>
    internal static long ModelBytes(int vocabularySize, int topics)
    {
        int groups = Math.Min(MaxBlendGroups, vocabularySize);
        return (2L * sizeof(float) + sizeof(long)) * vocabularySize * topics + (long)groups * topics * sizeof(double)
            + topics * (long)sizeof(double) + 2L * topics * sizeof(float)
            + MaxSumGroups * sizeof(double);
    }

    /// <summary>Throws when λ, expElogβ, statistics and both batch slots do not fit the device memory.</summary>
    private void CheckFits(int vocabularySize, int nonZeroCapacity)
    {
        long model = ModelBytes(vocabularySize);
        long batches = 2 * BatchSlot.DeviceBytes(_chunkDocuments, Topics, nonZeroCapacity);
        long available = _accelerator.MemorySize;
        if (model + batches > available)
            throw new TopicEngineException(
                $"the model does not fit {Name} device '{DeviceName}': λ, expElogβ (floats) and statistics (64-bit) for V={vocabularySize}, K={Topics} " +
                $"need {Mib(model)} MiB plus {Mib(batches)} MiB of batch buffers, the device has {Mib(available)} MiB; " +
                "lower --topics, prune the vocabulary (--keep-n) or use --device cpu");
    }

    private static long Mib(long bytes) => (bytes + (1 << 20) - 1) >> 20;

    private void FreeModel()
    {
        _lambda?.Dispose();
        _expElogBeta?.Dispose();
        _statistics?.Dispose();
        _partialSums?.Dispose();
        _lambda = _expElogBeta = null;
        _partialSums = null;
        _statistics = null;
    }

    /// <summary>Frees the device buffers and streams (not the accelerator).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _accelerator.Bind();   // CUDA: make the context current on this thread
            FreeModel();
            foreach (var slot in _slots) slot.Dispose();
            _wholeBatch?.Dispose();
            _rowSums.Dispose();
            _psiRowSums.Dispose();
            _sumPartials.Dispose();
            _documentLogLikelihood.Dispose();
            _alpha.Dispose();
            _failure.Dispose();
            _computeStream.Dispose();
            _copyStream.Dispose();
        }
    }

    /// <summary>
    /// One of the two pipeline slots: a chunk's CSR arrays in page-locked host memory and on the
    /// device, and its per-document outputs (γ and exp(Elogθ): D×K; iterations, bound: D).
    /// </summary>
    private sealed class BatchSlot : IDisposable
    {
        private readonly int _capacityDocuments;

        public BatchSlot(Accelerator accelerator, int documents, int topics)
        {
            _capacityDocuments = documents;
            int nonZeros = documents * 16;
            HostOffsets = accelerator.AllocatePageLocked1D<int>(documents + 1, uninitialized: false);
            HostGamma = accelerator.AllocatePageLocked1D<float>((long)documents * topics, uninitialized: false);
            HostIterations = accelerator.AllocatePageLocked1D<int>(documents, uninitialized: false);
            HostBound = accelerator.AllocatePageLocked1D<float>(documents, uninitialized: false);
            Offsets = accelerator.Allocate1D<int>(documents + 1);
            Gamma = accelerator.Allocate1D<float>((long)documents * topics);
            ExpElogTheta = accelerator.Allocate1D<float>((long)documents * topics);
            Iterations = accelerator.Allocate1D<int>(documents);
            Bound = accelerator.Allocate1D<float>(documents);
            GrowNonZeros(accelerator, nonZeros);
        }

        public PageLockedArray1D<int> HostOffsets { get; }
        public PageLockedArray1D<int> HostTermIds { get; private set; } = null!;
        public PageLockedArray1D<float> HostCounts { get; private set; } = null!;
        public PageLockedArray1D<float> HostGamma { get; }
        public PageLockedArray1D<int> HostIterations { get; }
        public PageLockedArray1D<float> HostBound { get; }
        public MemoryBuffer1D<int, Stride1D.Dense> Offsets { get; }
        public MemoryBuffer1D<int, Stride1D.Dense> TermIds { get; private set; } = null!;
        public MemoryBuffer1D<float, Stride1D.Dense> Counts { get; private set; } = null!;
        public MemoryBuffer1D<float, Stride1D.Dense> Gamma { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> ExpElogTheta { get; }
        public MemoryBuffer1D<int, Stride1D.Dense> Iterations { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> Bound { get; }

        public int NonZeroCapacity { get; private set; }

        /// <summary>The chunk transposed by term (<see cref="GpuLevers.TermStatistics"/>; null when off).</summary>
        public TermTransposeBuffers? Terms { get; set; }

        /// <summary>Where the staged chunk's transposition lies in <see cref="Terms"/>.</summary>
        public StagedTerms StagedTerms { get; set; }

        public int FirstDocument { get; set; }
        public int Documents { get; set; }
        public int NonZeros { get; set; }

        public BatchView View => new(Offsets.View.SubView(0, Documents + 1), TermIds.View, Counts.View);

        public static long DeviceBytes(int documents, int topics, int nonZeros) =>
            (documents + 1L + 2L * nonZeros + 2L * documents * topics + 2L * documents) * sizeof(float);

        public void GrowNonZeros(Accelerator accelerator, int capacity)
        {
            HostTermIds?.Dispose();
            HostCounts?.Dispose();
            TermIds?.Dispose();
            Counts?.Dispose();
            NonZeroCapacity = 0;
            HostTermIds = accelerator.AllocatePageLocked1D<int>(capacity, uninitialized: false);
            HostCounts = accelerator.AllocatePageLocked1D<float>(capacity, uninitialized: false);
            TermIds = accelerator.Allocate1D<int>(capacity);
            Counts = accelerator.Allocate1D<float>(capacity);
            NonZeroCapacity = capacity;
        }

        /// <summary>Queues the host → device copies of the staged chunk.</summary>
        public void Upload(AcceleratorStream stream)
        {
            Copy(stream, HostOffsets, Offsets, Documents + 1);
            Copy(stream, HostTermIds, TermIds, NonZeros);
            Copy(stream, HostCounts, Counts, NonZeros);
        }

        /// <summary>Copies γ of the staged chunk (Documents×K) into page-locked memory and queues its upload.</summary>
        public void UploadGamma(AcceleratorStream stream, ReadOnlySpan<float> gamma)
        {
            gamma.CopyTo(HostGamma.Span);
            Copy(stream, HostGamma, Gamma, gamma.Length);
        }

        /// <summary>Queues the device → host copies of the chunk's γ, iterations and (when asked) bounds.</summary>
        public void Download(AcceleratorStream stream, int topics, bool bound)
        {
            Copy(stream, Gamma, HostGamma, Documents * topics);
            Copy(stream, Iterations, HostIterations, Documents);
            if (bound) Copy(stream, Bound, HostBound, Documents);
        }

        private static void Copy<T>(AcceleratorStream stream, PageLockedArray1D<T> source, MemoryBuffer1D<T, Stride1D.Dense> target, int length)
            where T : unmanaged
        {
            if (length == 0) return;
            ArrayView<T> to = target.View.SubView(0, length);
            to.CopyFrom(stream, source.ArrayView.SubView(0, length));
        }

        private static void Copy<T>(AcceleratorStream stream, MemoryBuffer1D<T, Stride1D.Dense> source, PageLockedArray1D<T> target, int length)
            where T : unmanaged
        {
            if (length == 0) return;
            ArrayView<T> from = source.View.SubView(0, length);
            from.CopyTo(stream, target.ArrayView.SubView(0, length));
        }

        public void Dispose()
        {
            HostOffsets.Dispose();
            HostTermIds.Dispose();
            HostCounts.Dispose();
            HostGamma.Dispose();
            HostIterations.Dispose();
            HostBound.Dispose();
            Offsets.Dispose();
            TermIds.Dispose();
            Counts.Dispose();
            Gamma.Dispose();
            ExpElogTheta.Dispose();
            Iterations.Dispose();
            Bound.Dispose();
            Terms?.Dispose();
        }
    }
}
