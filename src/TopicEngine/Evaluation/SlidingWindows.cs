namespace TopicEngine.Evaluation;

/// <summary>
/// Boolean sliding windows (Röder et al. 2015, §3.2) exactly as gensim 4 counts them for <c>c_npmi</c> and <c>c_v</c>
/// (<c>gensim.topic_coherence.text_analysis.WordOccurrenceAccumulator</c> over <c>utils.iter_windows</c>):
/// <list type="bullet">
/// <item>a document of L ≥ s tokens gives L − s + 1 windows of s consecutive tokens; a shorter one (an empty one too)
/// is a single window of all its tokens;</item>
/// <item>every token takes a position, also tokens that are no top term (the vocabulary's pruned words included);</item>
/// <item>each window is a virtual document: it counts once for N, and once for N(w) of every top term marked in it;</item>
/// <item>gensim marks incrementally: the first window of a document marks the top terms in it; each step then unmarks the
/// token that left on the left edge and marks the one that entered on the right. So a term that leaves while another of
/// its occurrences is still inside the window stays unmarked until it enters again. This class reproduces that rule,
/// so that its counts equal gensim's.</item>
/// </list>
/// Consecutive windows with the same marked set are handed to <see cref="CoOccurrenceCounts.Add"/> as one run, so the
/// cost follows the top-term tokens, not the windows.
/// </summary>
internal sealed class SlidingWindows
{
    private readonly CoOccurrenceCounts _counts;
    private readonly bool[] _marked;
    private readonly List<int> _markedList = new();

    public SlidingWindows(CoOccurrenceCounts counts, int windowSize)
    {
        if (windowSize < 1) throw new ArgumentOutOfRangeException(nameof(windowSize));
        _counts = counts;
        WindowSize = windowSize;
        _marked = new bool[counts.RelevantTerms.Count];
    }

    /// <summary>s, tokens per window.</summary>
    public int WindowSize { get; }

    /// <summary>Counts the windows of one document. <paramref name="tokens"/>: its tokens in order, each the index of a
    /// relevant term (<see cref="CoOccurrenceCounts.RelevantTerms"/>) or −1 for any other token.</summary>
    public void AddDocument(ReadOnlySpan<int> tokens)
    {
        int s = WindowSize;
        int first = Math.Min(s, tokens.Length);
        foreach (int w in tokens[..first]) Mark(w);
        long run = 1;
        for (int j = 1; j + s - 1 < tokens.Length; j++)
        {
            int edge = tokens[j - 1], enter = tokens[j + s - 1];
            if ((edge >= 0 && _marked[edge]) || (enter >= 0 && !_marked[enter]))
            {
                _counts.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_markedList), run);
                run = 0;
                if (edge >= 0 && _marked[edge])
                {
                    _marked[edge] = false;
                    _markedList.Remove(edge);
                }
                Mark(enter);
            }
            run++;
        }
        _counts.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_markedList), run);
        foreach (int w in _markedList) _marked[w] = false;
        _markedList.Clear();
    }

    private void Mark(int w)
    {
        if (w < 0 || _marked[w]) return;
        _marked[w] = true;
        _markedList.Add(w);
    }
}
