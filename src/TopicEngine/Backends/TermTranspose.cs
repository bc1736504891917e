namespace TopicEngine.Backends;

/// <summary>
/// Host-side transposition of a chunk of a CSR batch by term, for the statistics without atomics
/// (<see cref="GpuLevers.TermStatistics"/>): per distinct term, in order of first appearance, the list of its non-zeros
/// and their documents, in document order. Two passes over the chunk's non-zeros, no allocation.
/// </summary>
internal static class TermTranspose
{
    /// <summary>
    /// Transposes documents [0, D) of the chunk whose non-zero i (of <paramref name="termIds"/>) belongs to document d when
    /// <c>documentOffsets[d] ≤ i &lt; documentOffsets[d + 1]</c>. Writes distinct term u to <c>terms[u]</c>, its entries to
    /// <c>entryNonZero/entryDocument[termOffsets[u] .. termOffsets[u + 1])</c> with <c>termOffsets[0] = documentOffsets[0]</c>
    /// (the chunk's entries take the positions of its non-zeros), entry = (i, d). Scratch: <paramref name="termOfSlot"/>, one int
    /// per vocabulary term, all −1 on entry and on return; <paramref name="cursor"/>, at least the chunk's non-zeros.
    /// Returns the number of distinct terms U (<paramref name="termOffsets"/> gets U + 1 values).
    /// </summary>
    public static int Build(ReadOnlySpan<int> termIds, ReadOnlySpan<int> documentOffsets,
        Span<int> termOfSlot, Span<int> cursor, Span<int> termOffsets, Span<int> terms, Span<int> entryNonZero, Span<int> entryDocument)
    {
        int begin = documentOffsets[0], end = documentOffsets[^1];
        int distinct = 0;
        for (int i = begin; i < end; i++)
        {
            int w = termIds[i];
            int u = termOfSlot[w];
            if (u < 0)
            {
                termOfSlot[w] = u = distinct++;
                terms[u] = w;
                cursor[u] = 0;
            }
            cursor[u]++;
        }
        int next = begin;
        for (int u = 0; u < distinct; u++)
        {
            termOffsets[u] = next;
            int count = cursor[u];
            cursor[u] = next;
            next += count;
        }
        termOffsets[distinct] = next;
        for (int d = 0; d + 1 < documentOffsets.Length; d++)
        {
            for (int i = documentOffsets[d]; i < documentOffsets[d + 1]; i++)
            {
                int position = cursor[termOfSlot[termIds[i]]]++;
                entryNonZero[position] = i;
                entryDocument[position] = d;
            }
        }
        for (int u = 0; u < distinct; u++) termOfSlot[terms[u]] = -1;
        return distinct;
    }
}
