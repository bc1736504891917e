namespace TopicEngine.Corpus;

/// <summary>
/// Splits a prepared corpus in two prepared folders that share its vocabulary (same term ids, same fingerprint): the
/// documents a mask marks go to the second, the rest to the first, both in corpus order. A model fitted on the first can
/// then be scored on the second as a prepared held-out corpus.
/// </summary>
internal static class CorpusSplit
{
    /// <summary>
    /// Writes <paramref name="keptDirectory"/> (documents with <paramref name="heldOutMask"/> false) and
    /// <paramref name="heldOutDirectory"/> (true) as flat prepared folders (corpus.json, vocabulary.parquet, corpus.bin).
    /// </summary>
    public static void Write(PreparedCorpus corpus, bool[] heldOutMask, string keptDirectory, string heldOutDirectory)
    {
        if (heldOutMask.Length != corpus.DocumentCount)
            throw new ArgumentException($"the mask has {heldOutMask.Length} entries for {corpus.DocumentCount} documents.", nameof(heldOutMask));
        string vocabularySource = Path.Combine(Storage.VersionedDirectory.TryResolve(corpus.Directory, CorpusManifest.FileName)!, VocabularyFile.FileName);
        Directory.CreateDirectory(keptDirectory);
        Directory.CreateDirectory(heldOutDirectory);
        using (var kept = new CorpusFileWriter(Path.Combine(keptDirectory, CorpusFile.FileName)))
        using (var heldOut = new CorpusFileWriter(Path.Combine(heldOutDirectory, CorpusFile.FileName)))
        {
            var counts = new List<int>();
            int index = 0;
            foreach (var batch in corpus.ReadBatches(1024))
                for (int d = 0; d < batch.DocumentCount; d++, index++)
                {
                    counts.Clear();
                    foreach (float c in batch.DocumentCounts(d)) counts.Add((int)c);
                    (heldOutMask[index] ? heldOut : kept).Write(batch.Keys[d], batch.DocumentTerms(d), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(counts));
                }
            Complete(kept, corpus, keptDirectory, vocabularySource);
            Complete(heldOut, corpus, heldOutDirectory, vocabularySource);
        }
    }

    private static void Complete(CorpusFileWriter writer, PreparedCorpus corpus, string directory, string vocabularySource)
    {
        writer.Complete(corpus.VocabularySize);
        File.Copy(vocabularySource, Path.Combine(directory, VocabularyFile.FileName), overwrite: true);
        (corpus.Manifest with
        {
            Documents = writer.Documents, Tokens = writer.Tokens, NonZeros = writer.NonZeros, EmptyDocuments = writer.EmptyDocuments,
            TokensBeforePruning = writer.Tokens,
        }).Write(Path.Combine(directory, CorpusManifest.FileName));
    }
}
