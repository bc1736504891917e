namespace TopicEngine.Corpus;

/// <summary>
/// One input (a file or folder) in one format. <see cref="Read"/> streams its documents in a
/// fixed order and may be called again for another pass. Pre-counted formats also name their
/// terms: <see cref="DeclaredTerms"/> when the source ships a vocabulary file (its order becomes
/// the order of ids), else <see cref="TermName"/> for the indexes its documents use.
/// </summary>
internal abstract class CorpusSource
{
    protected CorpusSource(string path, CorpusFormat format)
    {
        Path = path;
        Format = format;
    }

    /// <summary>The path as the user gave it.</summary>
    public string Path { get; }

    public CorpusFormat Format { get; }

    /// <summary>A short description for logs and corpus.json.</summary>
    public virtual string Description => $"{Path} ({Format.ToString().ToLowerInvariant()})";

    /// <summary>The source's own vocabulary in id order, when it has one (pre-counted formats with a vocabulary file).</summary>
    public virtual IReadOnlyList<string>? DeclaredTerms => null;

    /// <summary>The term a pre-counted document's index refers to.</summary>
    public virtual string TermName(int index) => DeclaredTerms is { } terms ? terms[index] : "w" + index;

    /// <summary>The documents, in order. Bad records fail or are counted in <paramref name="report"/> per the options.</summary>
    public abstract IEnumerable<SourceDocument> Read(ReadReport report);
}
