namespace TopicEngine.Corpus;

/// <summary>
/// A counted corpus that can be read as a stream of <see cref="SparseBatch"/> any number of
/// times (one pass = one enumeration), in bounded memory. The trainer sees only this.
/// </summary>
internal interface IBatchSource
{
    /// <summary>Number of documents (including empty ones).</summary>
    int DocumentCount { get; }

    /// <summary>Sum of all counts.</summary>
    long TokenCount { get; }

    /// <summary>Size V of the vocabulary the term ids index.</summary>
    int VocabularySize { get; }

    /// <summary>Reads the corpus in order, <paramref name="batchSize"/> documents per batch (the last may be smaller). Every
    /// batch is a new object that owns its arrays: a consumer may hold it while the next ones are read (the local-step
    /// runner reads ahead on another thread).</summary>
    IEnumerable<SparseBatch> ReadBatches(int batchSize);
}
