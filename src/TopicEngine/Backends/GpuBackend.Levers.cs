using ILGPU;
using ILGPU.Runtime;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Kernels;

namespace TopicEngine.Backends;

/// <summary>The performance levers of issue 16, item 8 (<see cref="GpuLevers"/>): statistics without 64-bit atomics from
/// chunks transposed by term on the host, and a batch's chunks on one stream with one host wait per batch.</summary>
internal sealed partial class GpuBackend
{
    private readonly Action<AcceleratorStream, KernelConfig, BatchView, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _tokenRatiosKernel;
    private readonly Action<AcceleratorStream, Index1D, TermTransposeView, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<long>, int> _termStatisticsKernel;

    private WholeBatch? _wholeBatch;   // OneStreamChunks: the batch's CSR, transposition and outputs, page-locked
    private int[] _termOfSlot = [];    // TermStatistics: V, all −1 between stagings
    private int[] _termCursor = [];    // TermStatistics: scratch of the transposition, ≥ non-zeros of a chunk

    /// <summary>Where a staged chunk's transposition lies in its buffers: U + 1 entry offsets from <see cref="OffsetsStart"/>,
    /// U terms from <see cref="TermsStart"/>; entries and ratios are indexed as the chunk view's term ids.</summary>
    internal readonly record struct StagedTerms(TermTransposeBuffers? Buffers, int OffsetsStart, int TermsStart, int Distinct);

    /// <summary>Transposes the chunk (<paramref name="offsets"/> index <paramref name="termIds"/>) into <paramref name="buffers"/>
    /// at the given starts and queues the upload of that region on <paramref name="stream"/>.</summary>
    private StagedTerms StageTerms(TermTransposeBuffers buffers, ReadOnlySpan<int> termIds, ReadOnlySpan<int> offsets,
        int offsetsStart, int termsStart, AcceleratorStream stream)
    {
        int nonZeros = offsets[^1] - offsets[0];
        if (_termOfSlot.Length != VocabularySize)
        {
            _termOfSlot = new int[VocabularySize];
            Array.Fill(_termOfSlot, -1);
        }
        if (_termCursor.Length < nonZeros) _termCursor = new int[Math.Max(nonZeros, 2 * _termCursor.Length)];
        buffers.Ensure(_accelerator, offsets[^1], offsetsStart + nonZeros + 1);
        int distinct = TermTranspose.Build(termIds, offsets, _termOfSlot, _termCursor,
            buffers.HostTermOffsets.Span[offsetsStart..], buffers.HostTerms.Span[termsStart..],
            buffers.HostEntryNonZero.Span, buffers.HostEntryDocument.Span);
        buffers.Upload(stream, offsetsStart, distinct + 1, termsStart, distinct, offsets[0], nonZeros);
        return new StagedTerms(buffers, offsetsStart, termsStart, distinct);
    }

    /// <summary>Queues the statistics without atomics: n/φnorm per non-zero, then one thread per (term, topic).</summary>
    private void LaunchTermStatistics(BatchView view, BatchSlot slot, StagedTerms staged, int unrolled)
    {
        int k = Topics;
        var buffers = staged.Buffers ?? throw new InvalidOperationException("The chunk was staged without its term transposition.");
        var ratiosConfig = new KernelConfig(slot.Documents, _localGroupSize,
            SharedMemoryConfig.RequestDynamic<float>((int)TermStatisticsKernels.TokenRatiosSharedFloats(k)));
        _tokenRatiosKernel(_computeStream, ratiosConfig, view, _expElogBeta!.View, slot.ExpElogTheta.View, buffers.Ratios.View, k, unrolled);
        if (staged.Distinct == 0) return;
        var terms = new TermTransposeView(buffers.TermOffsets.View.SubView(staged.OffsetsStart, staged.Distinct + 1),
            buffers.Terms.View.SubView(staged.TermsStart, staged.Distinct), buffers.EntryNonZero.View, buffers.EntryDocument.View);
        _termStatisticsKernel(_computeStream, staged.Distinct * k, terms, buffers.Ratios.View, _expElogBeta.View,
            slot.ExpElogTheta.View, _statistics!.View, k);
    }

    /// <summary>
    /// <see cref="LocalStep"/> with <see cref="GpuLevers.OneStreamChunks"/>: for each chunk the host stages it into the batch's
    /// page-locked buffers and queues, on the compute stream only, its upload, its kernels (outputs in slot c mod 2, which the
    /// stream order keeps from being overwritten before their download) and the download of γ, iterations and bounds into the
    /// batch's page-locked outputs; it stages chunk c + 1 while the device runs chunk c, and waits once, after the last chunk.
    /// </summary>
    private LocalStepResult LocalStepOnOneStream(SparseBatch batch, long batchNumber, LocalStepOptions options, Span<float> gamma,
        bool accumulateStatistics, bool computeBound, ReadOnlySpan<float> initialGamma = default)
    {
        bool warm = !initialGamma.IsEmpty;
        int k = Topics, documents = batch.DocumentCount;
        int begin = batch.DocumentOffsets[0];
        int nonZeros = batch.DocumentOffsets[documents] - begin;
        int chunks = (documents + _chunkDocuments - 1) / _chunkDocuments;
        var whole = _wholeBatch ??= new WholeBatch();
        try
        {
            whole.Ensure(_accelerator, documents, nonZeros, k);
        }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException)
        {
            throw new TopicEngineException($"{Name} device '{DeviceName}' could not allocate one-stream batch buffers for {documents} documents and {nonZeros} non-zeros: {e.Message}; lower --batch-size", e);
        }
        if (accumulateStatistics && _levers.TermStatistics)
            whole.Terms.Ensure(_accelerator, nonZeros, nonZeros + chunks + 1);   // before any chunk is queued: growing drops the buffers
        var offsets = whole.HostOffsets.Span[..(documents + 1)];
        for (int d = 0; d <= documents; d++) offsets[d] = batch.DocumentOffsets[d] - begin;
        var ids = whole.HostTermIds.Span[..nonZeros];
        batch.TermIds.AsSpan(begin, nonZeros).CopyTo(ids);
        batch.Counts.AsSpan(begin, nonZeros).CopyTo(whole.HostCounts.Span);
        // Warm start: the batch's initial γ goes into the page-locked γ it downloads into; chunk c's rows are uploaded before
        // chunk c's γ comes back into them (stream order), and chunks' rows do not overlap, so no chunk waits for another.
        if (warm) initialGamma[..(documents * k)].CopyTo(whole.HostGamma.Span);

        for (int c = 0; c < chunks; c++)
        {
            int first = c * _chunkDocuments;
            int count = Math.Min(_chunkDocuments, documents - first);
            int from = offsets[first], to = offsets[first + count];
            whole.Upload(_computeStream, first, count, from, to - from);
            var slot = _slots[c % 2];
            slot.FirstDocument = first;
            slot.Documents = count;
            slot.StagedTerms = accumulateStatistics && _levers.TermStatistics
                ? StageTerms(whole.Terms, ids, offsets.Slice(first, count + 1), from + c, from, _computeStream)
                : default;
            if (warm) whole.UploadGamma(_computeStream, slot, first, count, k);
            var view = new BatchView(whole.Offsets.View.SubView(first, count + 1), whole.TermIds.View, whole.Counts.View);
            Launch(first, view, slot, options, accumulateStatistics, computeBound, warm);
            whole.Download(_computeStream, slot, first, count, k, computeBound);
        }
        ThrowOnFailure(batch, batchNumber);   // the batch's one wait

        whole.HostGamma.Span[..(documents * k)].CopyTo(gamma);
        long iterations = 0;
        foreach (int n in whole.HostIterations.Span[..documents]) iterations += n;
        double bound = 0;
        if (computeBound)
            foreach (float b in whole.HostBound.Span[..documents]) bound += b;
        return new LocalStepResult(documents, batch.TokenCount, iterations, computeBound ? bound : double.NaN);
    }

    /// <summary>A chunk (or a batch's chunks) transposed by term: page-locked host arrays, their device copies, and the
    /// n/φnorm ratios per non-zero on the device. Grows, never shrinks.</summary>
    internal sealed class TermTransposeBuffers(Accelerator accelerator) : IDisposable
    {
        private int _nonZeros = -1, _offsets = -1;

        public PageLockedArray1D<int> HostTermOffsets { get; private set; } = accelerator.AllocatePageLocked1D<int>(1, uninitialized: false);
        public PageLockedArray1D<int> HostTerms { get; private set; } = accelerator.AllocatePageLocked1D<int>(1, uninitialized: false);
        public PageLockedArray1D<int> HostEntryNonZero { get; private set; } = accelerator.AllocatePageLocked1D<int>(1, uninitialized: false);
        public PageLockedArray1D<int> HostEntryDocument { get; private set; } = accelerator.AllocatePageLocked1D<int>(1, uninitialized: false);
        public MemoryBuffer1D<int, Stride1D.Dense> TermOffsets { get; private set; } = accelerator.Allocate1D<int>(1);
        public MemoryBuffer1D<int, Stride1D.Dense> Terms { get; private set; } = accelerator.Allocate1D<int>(1);
        public MemoryBuffer1D<int, Stride1D.Dense> EntryNonZero { get; private set; } = accelerator.Allocate1D<int>(1);
        public MemoryBuffer1D<int, Stride1D.Dense> EntryDocument { get; private set; } = accelerator.Allocate1D<int>(1);
        public MemoryBuffer1D<float, Stride1D.Dense> Ratios { get; private set; } = accelerator.Allocate1D<float>(1);

        /// <summary>Room for <paramref name="nonZeros"/> entries, terms and ratios and <paramref name="offsets"/> term offsets.
        /// Growing drops the contents, so it happens only between batches (one-stream) or for a slot the device is done with.</summary>
        public void Ensure(Accelerator device, int nonZeros, int offsets)
        {
            if (nonZeros > _nonZeros)
            {
                int n = Math.Max(1, Math.Max(nonZeros, (int)Math.Min(int.MaxValue, 2L * Math.Max(0, _nonZeros))));
                DisposeNonZeros();
                HostTerms = device.AllocatePageLocked1D<int>(n, uninitialized: false);
                HostEntryNonZero = device.AllocatePageLocked1D<int>(n, uninitialized: false);
                HostEntryDocument = device.AllocatePageLocked1D<int>(n, uninitialized: false);
                Terms = device.Allocate1D<int>(n);
                EntryNonZero = device.Allocate1D<int>(n);
                EntryDocument = device.Allocate1D<int>(n);
                Ratios = device.Allocate1D<float>(n);
                _nonZeros = n;
            }
            if (offsets > _offsets)
            {
                int n = Math.Max(offsets, (int)Math.Min(int.MaxValue, 2L * Math.Max(0, _offsets)));
                HostTermOffsets.Dispose();
                TermOffsets.Dispose();
                HostTermOffsets = device.AllocatePageLocked1D<int>(n, uninitialized: false);
                TermOffsets = device.Allocate1D<int>(n);
                _offsets = n;
            }
        }

        /// <summary>Queues the upload of offsets [offsetsStart, + offsetCount), terms [termsStart, + termCount) and entries
        /// [entriesStart, + entryCount).</summary>
        public void Upload(AcceleratorStream stream, int offsetsStart, int offsetCount, int termsStart, int termCount,
            int entriesStart, int entryCount)
        {
            Copy(stream, HostTermOffsets, TermOffsets, offsetsStart, offsetCount);
            Copy(stream, HostTerms, Terms, termsStart, termCount);
            Copy(stream, HostEntryNonZero, EntryNonZero, entriesStart, entryCount);
            Copy(stream, HostEntryDocument, EntryDocument, entriesStart, entryCount);
        }

        private void DisposeNonZeros()
        {
            HostTerms.Dispose();
            HostEntryNonZero.Dispose();
            HostEntryDocument.Dispose();
            Terms.Dispose();
            EntryNonZero.Dispose();
            EntryDocument.Dispose();
            Ratios.Dispose();
        }

        public void Dispose()
        {
            DisposeNonZeros();
            HostTermOffsets.Dispose();
            TermOffsets.Dispose();
        }
    }

    /// <summary>A whole batch for <see cref="GpuLevers.OneStreamChunks"/>: its CSR in page-locked host memory and on the device,
    /// its transposition, and page-locked γ, iterations and bounds for every document. Grows, never shrinks.</summary>
    private sealed class WholeBatch : IDisposable
    {
        private int _documents = -1, _nonZeros = -1, _gamma = -1;
        private Accelerator? _accelerator;
        private TermTransposeBuffers? _terms;

        public PageLockedArray1D<int> HostOffsets { get; private set; } = null!;
        public PageLockedArray1D<int> HostTermIds { get; private set; } = null!;
        public PageLockedArray1D<float> HostCounts { get; private set; } = null!;
        public PageLockedArray1D<float> HostGamma { get; private set; } = null!;
        public PageLockedArray1D<int> HostIterations { get; private set; } = null!;
        public PageLockedArray1D<float> HostBound { get; private set; } = null!;
        public MemoryBuffer1D<int, Stride1D.Dense> Offsets { get; private set; } = null!;
        public MemoryBuffer1D<int, Stride1D.Dense> TermIds { get; private set; } = null!;
        public MemoryBuffer1D<float, Stride1D.Dense> Counts { get; private set; } = null!;

        public TermTransposeBuffers Terms => _terms ??= new TermTransposeBuffers(_accelerator!);

        public void Ensure(Accelerator accelerator, int documents, int nonZeros, int topics)
        {
            _accelerator = accelerator;
            if (documents > _documents)
            {
                int n = Math.Max(documents, 2 * Math.Max(0, _documents));
                DisposeDocuments();
                HostOffsets = accelerator.AllocatePageLocked1D<int>(n + 1, uninitialized: false);
                HostIterations = accelerator.AllocatePageLocked1D<int>(n, uninitialized: false);
                HostBound = accelerator.AllocatePageLocked1D<float>(n, uninitialized: false);
                Offsets = accelerator.Allocate1D<int>(n + 1);
                _documents = n;
            }
            if ((long)documents * topics > _gamma)
            {
                HostGamma?.Dispose();
                HostGamma = accelerator.AllocatePageLocked1D<float>((long)_documents * topics, uninitialized: false);
                _gamma = (int)Math.Min(int.MaxValue, (long)_documents * topics);
            }
            if (nonZeros > _nonZeros)
            {
                int n = Math.Max(1, Math.Max(nonZeros, (int)Math.Min(int.MaxValue, 2L * Math.Max(0, _nonZeros))));
                DisposeNonZeros();
                HostTermIds = accelerator.AllocatePageLocked1D<int>(n, uninitialized: false);
                HostCounts = accelerator.AllocatePageLocked1D<float>(n, uninitialized: false);
                TermIds = accelerator.Allocate1D<int>(n);
                Counts = accelerator.Allocate1D<float>(n);
                _nonZeros = n;
            }
        }

        /// <summary>Queues the upload of documents [first, + count) (offsets) and their non-zeros [from, + nonZeros).</summary>
        public void Upload(AcceleratorStream stream, int first, int count, int from, int nonZeros)
        {
            Copy(stream, HostOffsets, Offsets, first, count + 1);
            Copy(stream, HostTermIds, TermIds, from, nonZeros);
            Copy(stream, HostCounts, Counts, from, nonZeros);
        }

        /// <summary>Queues the upload of documents [first, + count)'s initial γ from <see cref="HostGamma"/> into <paramref name="slot"/>.</summary>
        public void UploadGamma(AcceleratorStream stream, BatchSlot slot, int first, int count, int topics) =>
            Copy(stream, HostGamma, slot.Gamma, first * topics, 0, count * topics);

        /// <summary>Queues the download of the chunk's γ, iterations and (when asked) bounds from <paramref name="slot"/>.</summary>
        public void Download(AcceleratorStream stream, BatchSlot slot, int first, int count, int topics, bool bound)
        {
            Copy(stream, slot.Gamma, HostGamma, 0, first * topics, count * topics);
            Copy(stream, slot.Iterations, HostIterations, 0, first, count);
            if (bound) Copy(stream, slot.Bound, HostBound, 0, first, count);
        }

        private void DisposeDocuments()
        {
            HostOffsets?.Dispose();
            HostIterations?.Dispose();
            HostBound?.Dispose();
            Offsets?.Dispose();
        }

        private void DisposeNonZeros()
        {
            HostTermIds?.Dispose();
            HostCounts?.Dispose();
            TermIds?.Dispose();
            Counts?.Dispose();
        }

        public void Dispose()
        {
            DisposeDocuments();
            DisposeNonZeros();
            HostGamma?.Dispose();
            _terms?.Dispose();
        }
    }

    private static void Copy<T>(AcceleratorStream stream, PageLockedArray1D<T> source, MemoryBuffer1D<T, Stride1D.Dense> target, int start, int length)
        where T : unmanaged => Copy(stream, source, target, start, start, length);

    private static void Copy<T>(AcceleratorStream stream, PageLockedArray1D<T> source, MemoryBuffer1D<T, Stride1D.Dense> target,
        int sourceStart, int targetStart, int length)
        where T : unmanaged
    {
        if (length == 0) return;
        target.View.SubView(targetStart, length).CopyFrom(stream, source.ArrayView.SubView(sourceStart, length));
    }

    private static void Copy<T>(AcceleratorStream stream, MemoryBuffer1D<T, Stride1D.Dense> source, PageLockedArray1D<T> target,
        int sourceStart, int targetStart, int length)
        where T : unmanaged
    {
        if (length == 0) return;
        source.View.SubView(sourceStart, length).CopyTo(stream, target.ArrayView.SubView(targetStart, length));
    }
}
