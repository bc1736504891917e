namespace TopicEngine.Corpus;

/// <summary>
/// A mini-batch of documents as a bag of words in CSR form. Document d owns the entries
/// <c>DocumentOffsets[d] .. DocumentOffsets[d+1]</c> of <see cref="TermIds"/> and <see cref="Counts"/>.
/// Invariants (checked by <see cref="Validate"/>): offsets start at 0 and never decrease,
/// every term id is in [0, V), every count is &gt; 0, and a term appears at most once per document.
/// Empty documents are kept (two equal offsets) so keys stay aligned with rows.
/// </summary>
internal sealed class SparseBatch
{
    /// <summary>Creates a batch over the given arrays (not copied).</summary>
    public SparseBatch(string[] keys, int[] documentOffsets, int[] termIds, float[] counts)
    {
        if (documentOffsets.Length != keys.Length + 1)
            throw new ArgumentException("documentOffsets must have one more entry than keys.", nameof(documentOffsets));
        if (termIds.Length != counts.Length)
            throw new ArgumentException("termIds and counts must have the same length.", nameof(counts));
        Keys = keys;
        DocumentOffsets = documentOffsets;
        TermIds = termIds;
        Counts = counts;
        double tokens = 0;
        foreach (var c in counts) tokens += c;
        TokenCount = (long)Math.Round(tokens);
    }

    /// <summary>One key per document (file path, record id or line number).</summary>
    public string[] Keys { get; }

    /// <summary>Row offsets, length <see cref="DocumentCount"/> + 1.</summary>
    public int[] DocumentOffsets { get; }

    /// <summary>Term id of each non-zero, grouped by document.</summary>
    public int[] TermIds { get; }

    /// <summary>Count of each non-zero (float so devices read it directly).</summary>
    public float[] Counts { get; }

    /// <summary>Number of documents in the batch.</summary>
    public int DocumentCount => Keys.Length;

    /// <summary>Number of stored (document, term) pairs.</summary>
    public int NonZeroCount => TermIds.Length;

    /// <summary>Sum of all counts.</summary>
    public long TokenCount { get; }

    /// <summary>Term ids of document <paramref name="d"/>.</summary>
    public ReadOnlySpan<int> DocumentTerms(int d) =>
        TermIds.AsSpan(DocumentOffsets[d], DocumentOffsets[d + 1] - DocumentOffsets[d]);

    /// <summary>Counts of document <paramref name="d"/>, aligned with <see cref="DocumentTerms"/>.</summary>
    public ReadOnlySpan<float> DocumentCounts(int d) =>
        Counts.AsSpan(DocumentOffsets[d], DocumentOffsets[d + 1] - DocumentOffsets[d]);

    /// <summary>Throws <see cref="InvalidOperationException"/> when a CSR invariant does not hold.</summary>
    public void Validate(int vocabularySize)
    {
        if (DocumentOffsets[0] != 0) throw new InvalidOperationException("First offset must be 0.");
        if (DocumentOffsets[^1] != TermIds.Length) throw new InvalidOperationException("Last offset must equal the non-zero count.");
        var seen = new HashSet<int>();
        for (int d = 0; d < DocumentCount; d++)
        {
            if (DocumentOffsets[d + 1] < DocumentOffsets[d]) throw new InvalidOperationException($"Offsets decrease at document {d}.");
            seen.Clear();
            for (int i = DocumentOffsets[d]; i < DocumentOffsets[d + 1]; i++)
            {
                if ((uint)TermIds[i] >= (uint)vocabularySize) throw new InvalidOperationException($"Term id {TermIds[i]} out of range [0, {vocabularySize}) in document {d}.");
                if (!(Counts[i] > 0)) throw new InvalidOperationException($"Count {Counts[i]} is not positive in document {d}.");
                if (!seen.Add(TermIds[i])) throw new InvalidOperationException($"Term id {TermIds[i]} repeated in document {d}.");
            }
        }
    }
}
