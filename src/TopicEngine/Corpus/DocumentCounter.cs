using System.Collections.Concurrent;
using TopicEngine.Text;

namespace TopicEngine.Corpus;

/// <summary>One document's terms after analysis: known ids ascending with counts, and (when collected) the terms the vocabulary lacks.</summary>
internal sealed class CountedDocument
{
    public required int[] Ids { get; init; }
    public required int[] Counts { get; init; }
    public KeyValuePair<string, int>[] Unknown { get; init; } = [];
    public long Tokens { get; init; }
    public long UnknownTokens { get; init; }
}

/// <summary>
/// Analyses many text documents at once against a vocabulary that nothing adds to meanwhile:
/// documents are spread over the cores, each worker with its own <see cref="TermCounter"/>
/// (Lucene gives each thread its own token stream), and results come back in input order.
/// </summary>
internal sealed class DocumentCounter
{
    private readonly TextAnalyzer _analyzer;
    private readonly Vocabulary _vocabulary;
    private readonly bool _collectUnknown;
    private readonly ParallelOptions _parallel;
    private readonly ConcurrentBag<TermCounter> _counters = new();

    public DocumentCounter(TextAnalyzer analyzer, Vocabulary vocabulary, bool collectUnknown, int threads = 0, CancellationToken cancellationToken = default)
    {
        _analyzer = analyzer;
        _vocabulary = vocabulary;
        _collectUnknown = collectUnknown;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount, CancellationToken = cancellationToken };
    }

    /// <summary>Counts every text document of <paramref name="documents"/>; entries for pre-counted documents stay null.</summary>
    public CountedDocument?[] Count(IReadOnlyList<SourceDocument> documents)
    {
        var results = new CountedDocument?[documents.Count];
        Parallel.For(0, documents.Count, _parallel,
            () => _counters.TryTake(out var counter) ? counter : new TermCounter(_vocabulary, _collectUnknown),
            (i, _, counter) =>
            {
                if (documents[i].Text is { } text) results[i] = Count(text, counter);
                return counter;
            },
            counter => _counters.Add(counter));
        return results;
    }

    /// <summary>Counts one document on the calling thread.</summary>
    public CountedDocument Count(string text)
    {
        var counter = _counters.TryTake(out var c) ? c : new TermCounter(_vocabulary, _collectUnknown);
        try { return Count(text, counter); }
        finally { _counters.Add(counter); }
    }

    private CountedDocument Count(string text, TermCounter counter)
    {
        counter.Clear();
        _analyzer.Analyze(text, counter);
        var ids = new int[counter.DistinctKnown];
        var counts = new int[counter.DistinctKnown];
        counter.CopyKnown(ids, counts);
        return new CountedDocument
        {
            Ids = ids,
            Counts = counts,
            Unknown = counter.Unknown.Count == 0 ? [] : counter.Unknown.ToArray(),
            Tokens = counter.Tokens,
            UnknownTokens = counter.UnknownTokens,
        };
    }
}
