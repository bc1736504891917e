using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine.Corpus;

/// <summary>
/// A folder written by <see cref="CorpusPreparer"/> (<c>topic-engine prepare</c>), opened for
/// training: batches stream from <c>corpus.bin</c> in bounded memory, any number of passes,
/// each enumeration with its own file handle (so passes may overlap).
/// </summary>
internal sealed class PreparedCorpus : IBatchSource
{
    private readonly string _corpusPath;

    private PreparedCorpus(string directory, CorpusManifest manifest, Vocabulary vocabulary, string corpusPath)
    {
        Directory = directory;
        Manifest = manifest;
        Vocabulary = vocabulary;
        _corpusPath = corpusPath;
    }

    /// <summary>Opens and checks a prepared corpus folder (corpus.json, vocabulary.parquet, corpus.bin agree).</summary>
    public static PreparedCorpus Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new TopicEngineException($"prepared corpus folder '{directory}' does not exist; run 'topic-engine prepare --out {directory}' first");
        string user = directory;
        directory = VersionedDirectory.TryResolve(directory, CorpusManifest.FileName)
            ?? throw new TopicEngineException($"{Path.Combine(directory, CorpusManifest.FileName)} does not exist: '{directory}' is not a prepared corpus; run 'topic-engine prepare --out {directory}' first");
        var manifest = CorpusManifest.Read(Path.Combine(directory, CorpusManifest.FileName));
        var vocabulary = VocabularyFile.Read(Path.Combine(directory, VocabularyFile.FileName));
        string corpusPath = Path.Combine(directory, CorpusFile.FileName);
        if (!File.Exists(corpusPath)) throw new TopicEngineException($"{corpusPath} does not exist; run 'topic-engine prepare' again");
        var header = CorpusFile.ReadHeader(corpusPath);
        if (header.Documents != manifest.Documents || header.Tokens != manifest.Tokens || header.VocabularySize != vocabulary.Count || manifest.VocabularySize != vocabulary.Count)
            throw new TopicEngineException($"{directory}: corpus.bin, corpus.json and vocabulary.parquet disagree (documents {header.Documents} vs {manifest.Documents}, vocabulary {header.VocabularySize} vs {vocabulary.Count}); run 'topic-engine prepare' again");
        return new PreparedCorpus(user, manifest, vocabulary, corpusPath);
    }

    /// <summary>The files of a prepared corpus written before versions existed (all at its top).</summary>
    internal static readonly string[] FlatFiles = [CorpusManifest.FileName, VocabularyFile.FileName, CorpusFile.FileName];

    public string Directory { get; }

    /// <summary>What corpus.json records: counts, sources, pruning.</summary>
    public CorpusManifest Manifest { get; }

    /// <summary>The pruned vocabulary; term ids in batches index it.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>How the text was analysed (new documents must be analysed the same way).</summary>
    public AnalyzerSettings AnalyzerSettings => Manifest.Analyzer;

    /// <summary>True when every source was already counted (UCI, LDA-C, synthetic): no text was analysed.</summary>
    public bool IsPreCounted => IsPreCountedManifest(Manifest);

    /// <summary>True when every source of <paramref name="manifest"/> was pre-counted (UCI, LDA-C, synthetic).</summary>
    public static bool IsPreCountedManifest(CorpusManifest manifest) => manifest.Sources.Count > 0
        && manifest.Sources.All(s => s.Format is "uci" or "ldac" or "synthetic");

    /// <summary>The analyzer settings a model fitted on this corpus records: null for pre-counted input,
    /// so that <c>update</c> and <c>infer</c> know the model's terms came from another tool's tokenizer.</summary>
    public AnalyzerSettings? ModelAnalyzerSettings => IsPreCounted ? null : Manifest.Analyzer;

    public int DocumentCount => checked((int)Manifest.Documents);

    public long TokenCount => Manifest.Tokens;

    public int VocabularySize => Vocabulary.Count;

    public IEnumerable<SparseBatch> ReadBatches(int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        using var reader = new CorpusFileReader(_corpusPath);
        foreach (var batch in reader.ReadBatches(batchSize))
            yield return batch;
    }
}
