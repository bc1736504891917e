using System.Collections.Concurrent;
using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>What the local step of one batch should also compute besides γ.</summary>
/// <param name="AccumulateStatistics">Add the batch's s_kw = Σ_d n_dw φ_dwk to the backend's statistics (training).</param>
/// <param name="ComputeBound">Fill <see cref="LocalStepResult.DocumentBound"/> (logged training steps).</param>
internal readonly record struct LocalStepRequest(bool AccumulateStatistics, bool ComputeBound)
{
    /// <summary>γ only (inference, evaluation, the final θ pass).</summary>
    public static LocalStepRequest GammaOnly => default;
}

/// <summary>One batch after its local step. <see cref="Gamma"/> (DocumentCount×K, row-major) is the runner's buffer:
/// valid until the next batch is requested; copy what must outlive it.</summary>
/// <param name="Index">Position of the batch in the sequence, from 0.</param>
/// <param name="Batch">The batch.</param>
/// <param name="Gamma">γ of its documents.</param>
/// <param name="Result">Documents, tokens, iterations and (when requested) the document part of the bound.</param>
/// <param name="Seconds">Time the backend's local step took (waits for the batch excluded).</param>
internal readonly record struct LocalStepOutput(int Index, SparseBatch Batch, Memory<float> Gamma, LocalStepResult Result, double Seconds)
{
    /// <summary>Tokens of document <paramref name="d"/> (Σ of its counts, rounded).</summary>
    public long TokensOf(int d)
    {
        double sum = 0;
        foreach (var c in Batch.DocumentCounts(d)) sum += c;
        return (long)Math.Round(sum);
    }
}

/// <summary>
/// The one driver of the local step (DESIGN.md, step 1): fit, the final θ pass, <c>infer</c>, <c>update</c>'s rows for
/// new terms, held-out evaluation and <c>bench</c> all run documents through it, and nothing else calls
/// <see cref="ILdaBackend.LocalStep"/> or <see cref="ILdaBackend.LocalStepDocument"/>.
/// <para>Batches come from any sequence (a corpus pass, a reader, an analyzer); the runner reads and decodes the next
/// batch on another thread while the backend computes the current one (at most <see cref="Prefetch"/> batches ahead, so
/// memory stays bounded), and hands each batch's γ to its caller. α is read at every batch, so a caller may change it
/// in place between batches (α auto).</para>
/// <para>Call order: create with the backend whose λ is set; enumerate <see cref="Run"/> (one sequence at a time), or
/// call <see cref="Step"/> / <see cref="Document"/>. A runner is not thread-safe, except <see cref="Document"/>, which is
/// when the backend's <see cref="ILdaBackend.LocalStepDocument"/> is.</para>
/// </summary>
internal sealed class LocalStepRunner
{
    private float[] _gamma = [];
    private float[] _initialGamma = [];

    /// <summary>Fills <paramref name="gamma"/> (DocumentCount×K) with where <paramref name="batch"/>'s local steps start
    /// (the warm start) and returns true, or returns false to start at γ = 1. Called on the consuming thread, in batch order.</summary>
    public delegate bool InitialGamma(SparseBatch batch, Span<float> gamma);

    /// <param name="backend">The backend, λ set.</param>
    /// <param name="options">Local-step settings (iterations, tolerance).</param>
    public LocalStepRunner(ILdaBackend backend, LocalStepOptions options)
    {
        Backend = backend;
        Options = options;
    }

    /// <summary>The backend the local step runs on.</summary>
    public ILdaBackend Backend { get; }

    /// <summary>Local-step settings.</summary>
    public LocalStepOptions Options { get; }

    /// <summary>Batches read ahead of the one being computed.</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>
    /// Runs the local step over every batch of <paramref name="batches"/>, yielding each batch with its γ.
    /// <paramref name="request"/> decides per batch (given its index) whether statistics and the bound are computed;
    /// null computes γ only. The batch source's exceptions surface here, in order; stopping the enumeration early stops
    /// the reading. <paramref name="initialGamma"/>, when given, says where each batch's local steps start (null: at 1).
    /// </summary>
    public IEnumerable<LocalStepOutput> Run(IEnumerable<SparseBatch> batches, float[] alpha, Func<int, LocalStepRequest>? request = null,
        CancellationToken cancellationToken = default, InitialGamma? initialGamma = null)
    {
        int index = 0;
        foreach (var batch in ReadAhead(batches, Prefetch, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var what = request?.Invoke(index) ?? LocalStepRequest.GammaOnly;
            var gamma = GammaBuffer(batch.DocumentCount);
            var initial = Memory<float>.Empty;
            if (initialGamma is not null)
            {
                int length = batch.DocumentCount * Backend.Topics;
                if (_initialGamma.Length < length) _initialGamma = new float[length];
                if (initialGamma(batch, _initialGamma.AsSpan(0, length))) initial = _initialGamma.AsMemory(0, length);
            }
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = Step(batch, alpha, gamma.Span, what, initial.Span);
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            yield return new LocalStepOutput(index++, batch, gamma, result, seconds);
        }
    }

    /// <summary>The local step of one batch on the calling thread, γ written into <paramref name="gamma"/>; started from
    /// <paramref name="initialGamma"/> (DocumentCount×K) when not empty, else from 1.</summary>
    public LocalStepResult Step(SparseBatch batch, ReadOnlySpan<float> alpha, Span<float> gamma, LocalStepRequest request = default,
        ReadOnlySpan<float> initialGamma = default) =>
        Backend.LocalStep(batch, alpha, Options, gamma, request.AccumulateStatistics, request.ComputeBound, initialGamma);

    /// <summary>The local step of one document (ids ascending and distinct, counts aligned) on the calling thread, γ (K)
    /// into <paramref name="gamma"/>; the γ <see cref="Run"/> gives the same document. Returns the iterations taken.</summary>
    public int Document(ReadOnlySpan<int> termIds, ReadOnlySpan<float> counts, float[] alpha, Span<float> gamma) =>
        Backend.LocalStepDocument(termIds, counts, alpha, Options, gamma);

    private Memory<float> GammaBuffer(int documents)
    {
        int length = documents * Backend.Topics;
        if (_gamma.Length < length) _gamma = new float[length];
        return _gamma.AsMemory(0, length);
    }

    /// <summary>
    /// Enumerates <paramref name="source"/> on a worker task, at most <paramref name="ahead"/> items in front of the consumer.
    /// The worker's exception is rethrown to the consumer after the items before it; disposing the enumerator early
    /// cancels the worker and waits for it (so no reader outlives the enumeration).
    /// </summary>
    internal static IEnumerable<T> ReadAhead<T>(IEnumerable<T> source, int ahead, CancellationToken cancellationToken)
    {
        if (ahead <= 0)
        {
            foreach (var item in source) yield return item;
            yield break;
        }
        using var queue = new BlockingCollection<T>(boundedCapacity: ahead);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var item in source)
                    queue.Add(item, stop.Token);
            }
            finally { queue.CompleteAdding(); }
        });
        bool finished = false;
        try
        {
            while (true)
            {
                T item;
                try
                {
                    if (!queue.TryTake(out item!, Timeout.Infinite, cancellationToken)) break;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { break; }
                yield return item;
            }
            finished = true;
        }
        finally
        {
            if (!finished) stop.Cancel();
            try { producer.GetAwaiter().GetResult(); }
            catch (OperationCanceledException) when (!finished || cancellationToken.IsCancellationRequested) { }
            catch when (!finished) { /* the consumer's own failure or early stop is the one that matters */ }
        }
        // A producer failure after the last item: rethrown above when finished (GetResult throws).
    }
}
