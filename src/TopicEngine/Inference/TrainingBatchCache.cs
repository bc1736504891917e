using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>
/// Keeps a pass's training batches for the passes after it when they hold at most <c>limitNonZeros</c> term entries:
/// the size that <see cref="DocumentOrder.Shuffled"/> holds in memory anyway to shuffle a corpus whole. A corpus that
/// small is then read, parsed and split into mini-batches once instead of every pass (on 20news, about a tenth of a
/// K = 20 fit went there); a larger one streams from disk every pass as before, in bounded memory. The batches are the
/// same objects in the same order every pass, so the passes compute exactly what re-reading gives.
/// </summary>
internal sealed class TrainingBatchCache(long limitNonZeros)
{
    private List<SparseBatch>? _batches;
    private bool _tooLarge;

    /// <summary>The pass's batches: the kept ones when a whole pass fitted, else <paramref name="read"/>'s, kept on the way
    /// while they fit (only a pass read to its end is kept).</summary>
    public IEnumerable<SparseBatch> Batches(Func<IEnumerable<SparseBatch>> read) =>
        _batches is not null ? _batches : _tooLarge ? read() : Record(read());

    private IEnumerable<SparseBatch> Record(IEnumerable<SparseBatch> batches)
    {
        var kept = new List<SparseBatch>();
        long nonZeros = 0;
        foreach (var batch in batches)
        {
            if (!_tooLarge)
            {
                nonZeros += batch.NonZeroCount;
                if (nonZeros > limitNonZeros) { _tooLarge = true; kept = null; }
                else kept!.Add(batch);
            }
            yield return batch;
        }
        if (!_tooLarge) _batches = kept;
    }
}
