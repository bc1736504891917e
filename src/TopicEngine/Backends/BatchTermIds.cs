using TopicEngine.Corpus;

namespace TopicEngine.Backends;

/// <summary>The host-side check every backend runs before it reads λ or expElogβ at a batch's term ids:
/// a term id outside [0, V) would read past the model (on a GPU it can kill the device context).</summary>
internal static class BatchTermIds
{
    /// <summary>Throws a <see cref="TopicEngineException"/> naming <paramref name="what"/>, the document and V when a term
    /// id of <paramref name="batch"/> is not in [0, <paramref name="vocabularySize"/>). O(non-zeros), no allocation.</summary>
    public static void Check(SparseBatch batch, int vocabularySize, string what)
    {
        var ids = batch.TermIds.AsSpan(0, batch.DocumentOffsets[^1]);
        int bad = -1;
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)vocabularySize) { bad = i; break; }
        if (bad < 0) return;
        int d = 0;
        while (batch.DocumentOffsets[d + 1] <= bad) d++;
        throw new TopicEngineException(
            $"{what}: term id {ids[bad]} of document '{batch.Keys[d]}' is outside the vocabulary of {vocabularySize} terms; " +
            "count documents with the model's vocabulary");
    }
}
