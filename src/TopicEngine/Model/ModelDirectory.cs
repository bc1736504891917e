using TopicEngine.Corpus;
using TopicEngine.Storage;

namespace TopicEngine.Model;

/// <summary>How <see cref="ModelDirectory.SaveAsync"/> writes the derived files.</summary>
/// <param name="TopTerms">Terms per topic in topics.parquet; null writes all V (<c>--full</c>).</param>
internal sealed record ModelSaveOptions(int? TopTerms = ModelSaveOptions.DefaultTopTerms)
{
    public const int DefaultTopTerms = 50;
    public static ModelSaveOptions Default { get; } = new();
}

/// <summary>
/// A model directory (DESIGN.md, "Artefacts"): <c>model.json</c>, <c>lambda.parquet</c>,
/// <c>vocabulary.parquet</c>, <c>topics.parquet</c>, <c>training_log.parquet</c> and, when the
/// caller computes it, <c>doc_topics.parquet</c>.
/// <para>Saving writes a new version of the directory (<see cref="VersionedDirectory"/>: the files under
/// <c>versions/ID/</c>, model.json last with the SHA-256 and size of every other file) and then switches the
/// <c>CURRENT</c> pointer to it in one atomic rename, so a crash at any moment leaves the previous complete model or the
/// new one, and a reader never sees a gap or a mix. A directory that exists but is not a model is never written into.</para>
/// <para>Loading resolves <c>CURRENT</c> (or reads a model written before versions existed, whose files lie at the top);
/// when a file vanishes or changes while it is read because a writer switched versions meanwhile, it loads again from
/// the new current version.</para>
/// <para>Loading refuses, with a one-line <see cref="TopicEngineException"/> naming the file: a missing
/// or invalid model.json, a format version other than <see cref="ModelManifest.CurrentFormatVersion"/>,
/// a listed file that is missing, has another size (truncated) or another SHA-256 (corrupted), and
/// contents that disagree with model.json (K, V, vocabulary hash).</para>
/// </summary>
internal static class ModelDirectory
{
    /// <summary>Files every model has (besides model.json).</summary>
    public static IReadOnlyList<string> RequiredFiles { get; } =
        [LambdaFile.FileName, VocabularyFile.FileName, TopicsFile.FileName, TrainingLogFile.FileName];

    /// <summary>
    /// Saves <paramref name="snapshot"/> as the model directory <paramref name="directory"/>. When
    /// <paramref name="writeDocTopics"/> is given it is called with a <see cref="DocTopicsWriter"/> for
    /// doc_topics.parquet, to stream every document's γ into it (e.g. from a final local step).
    /// </summary>
    public static async Task SaveAsync(string directory, ModelSnapshot snapshot, ModelSaveOptions? options = null,
        Func<DocTopicsWriter, CancellationToken, Task>? writeDocTopics = null, CancellationToken cancellationToken = default)
    {
        snapshot.Validate();
        options ??= ModelSaveOptions.Default;
        RefuseForeignDirectory(directory);
        int k = snapshot.Topics, v = snapshot.VocabularySize;
        await VersionedDirectory.PublishAsync(directory, async (temp, ct) =>
        {
            await LambdaFile.WriteAsync(Path.Combine(temp, LambdaFile.FileName), snapshot.Lambda, k, v, ct);
            await VocabularyFile.WriteAsync(snapshot.Vocabulary, Path.Combine(temp, VocabularyFile.FileName), ct);
            await TopicsFile.WriteAsync(Path.Combine(temp, TopicsFile.FileName),
                TopTerms.Compute(snapshot.Lambda, k, v, options.TopTerms), snapshot.Vocabulary, ct);
            await TrainingLogFile.WriteAsync(Path.Combine(temp, TrainingLogFile.FileName), snapshot.TrainingLog, ct);
            if (writeDocTopics is not null)
            {
                await using var docTopics = await DocTopicsWriter.CreateAsync(Path.Combine(temp, DocTopicsWriter.FileName), k, ct);
                await writeDocTopics(docTopics, ct);
                await docTopics.CompleteAsync(ct);
            }

            var manifest = ToManifest(snapshot);
            foreach (var file in Directory.EnumerateFiles(temp).Order(StringComparer.Ordinal))
                manifest.Files[Path.GetFileName(file)] = await FileChecksum.ComputeAsync(file, ct);
            await manifest.WriteAsync(Path.Combine(temp, ModelManifest.FileName), ct);
        }, FlatFiles, cancellationToken);
    }

    /// <summary>The files of a model directory written before versions existed (all at its top).</summary>
    private static readonly string[] FlatFiles =
        [ModelManifest.FileName, LambdaFile.FileName, VocabularyFile.FileName, TopicsFile.FileName, TrainingLogFile.FileName, DocTopicsWriter.FileName];

    /// <summary>The folder holding the files of the model's current version (see the class remarks).</summary>
    /// <exception cref="TopicEngineException">The directory is missing or holds no model.</exception>
    public static string ResolveFiles(string directory)
    {
        if (!Directory.Exists(directory)) throw new TopicEngineException($"{directory}: model directory does not exist");
        return VersionedDirectory.TryResolve(directory, ModelManifest.FileName)
            ?? throw new TopicEngineException($"{Path.Combine(directory, ModelManifest.FileName)}: no model here (neither {VersionedDirectory.PointerFile} nor model.json); fit a model into this directory first");
    }

    /// <summary>Runs <paramref name="read"/> on the current version's folder; when it fails because the files changed under
    /// it (a writer switched to a newer version and removed older ones), runs it again on the new current version.</summary>
    private static async Task<T> ReadCurrentAsync<T>(string directory, Func<string, Task<T>> read)
    {
        for (int attempt = 1; ; attempt++)
        {
            string files = ResolveFiles(directory);
            try
            {
                return await read(files);
            }
            catch (Exception e) when (attempt < 5 && e is TopicEngineException or IOException or UnauthorizedAccessException
                && VersionedDirectory.TryResolve(directory, ModelManifest.FileName) != files)
            {
                // the version we read was replaced meanwhile: read the new one
            }
        }
    }

    /// <summary>Synchronous <see cref="SaveAsync"/> (runs on the thread pool and waits).</summary>
    public static void Save(string directory, ModelSnapshot snapshot, ModelSaveOptions? options = null) =>
        Task.Run(() => SaveAsync(directory, snapshot, options)).GetAwaiter().GetResult();

    /// <summary>Loads and checks a model directory (see the class remarks for what is refused).</summary>
    public static Task<ModelSnapshot> LoadAsync(string directory, CancellationToken cancellationToken = default) =>
        ReadCurrentAsync(directory, files => LoadVersionAsync(files, cancellationToken));

    private static async Task<ModelSnapshot> LoadVersionAsync(string directory, CancellationToken cancellationToken)
    {
        var manifest = await VerifyVersionAsync(directory, cancellationToken);
        int k = manifest.Topics, v = manifest.VocabularySize;
        var lambda = await LambdaFile.ReadAsync(Path.Combine(directory, LambdaFile.FileName), k, v, cancellationToken);
        string vocabularyPath = Path.Combine(directory, VocabularyFile.FileName);
        var vocabulary = await VocabularyFile.ReadAsync(vocabularyPath, cancellationToken);
        if (vocabulary.Count != v)
            throw new TopicEngineException($"{vocabularyPath}: {vocabulary.Count} terms, but model.json says vocabulary_size {v}");
        if (!string.Equals(vocabulary.Fingerprint(), manifest.VocabularyHash, StringComparison.Ordinal))
            throw new TopicEngineException($"{vocabularyPath}: terms do not match model.json's vocabulary_hash (the vocabulary of another model?)");
        var log = await TrainingLogFile.ReadAsync(Path.Combine(directory, TrainingLogFile.FileName), cancellationToken);
        return new ModelSnapshot
        {
            Lambda = lambda,
            Alpha = manifest.Alpha,
            Eta = manifest.Eta,
            Vocabulary = vocabulary,
            Tau0 = manifest.Tau0,
            Kappa = manifest.Kappa,
            BatchSize = manifest.BatchSize,
            Seed = manifest.Seed,
            Steps = manifest.Steps,
            DocumentsSeen = manifest.DocumentsSeen,
            CorpusDocuments = manifest.CorpusDocuments,
            Analyzer = manifest.Analyzer,
            TrainingCorpus = manifest.TrainingCorpus,
            Backend = manifest.Backend,
            Created = manifest.Created,
            Updated = manifest.Updated,
            Updates = manifest.Updates,
            TrainingLog = log,
            Trainer = manifest.Trainer,
        };
    }

    /// <summary>Synchronous <see cref="LoadAsync"/> (runs on the thread pool and waits).</summary>
    public static ModelSnapshot Load(string directory) =>
        Task.Run(() => LoadAsync(directory)).GetAwaiter().GetResult();

    /// <summary>Reads model.json and checks every file it lists (present, same size, same SHA-256) and
    /// that the required files are listed; returns the manifest.</summary>
    public static Task<ModelManifest> VerifyAsync(string directory, CancellationToken cancellationToken = default) =>
        ReadCurrentAsync(directory, files => VerifyVersionAsync(files, cancellationToken));

    private static async Task<ModelManifest> VerifyVersionAsync(string directory, CancellationToken cancellationToken)
    {
        string manifestPath = Path.Combine(directory, ModelManifest.FileName);
        var manifest = await ModelManifest.ReadAsync(manifestPath, cancellationToken);
        foreach (var required in RequiredFiles)
            if (!manifest.Files.ContainsKey(required))
                throw new TopicEngineException($"{manifestPath}: does not list {required}; the model directory is incomplete");
        foreach (var (name, expected) in manifest.Files)
        {
            string path = Path.Combine(directory, name);
            if (name.Contains('/') || name.Contains('\\') || name == ModelManifest.FileName)
                throw new TopicEngineException($"{manifestPath}: lists an invalid file name '{name}'");
            if (!File.Exists(path)) throw new TopicEngineException($"{path}: file is missing (model.json lists it)");
            long length = new FileInfo(path).Length;
            if (length != expected.Bytes)
                throw new TopicEngineException($"{path}: {length} bytes, but model.json records {expected.Bytes} (truncated or overwritten); restore the file or fit the model again");
        }
        foreach (var (name, expected) in manifest.Files)
        {
            string path = Path.Combine(directory, name);
            var actual = await FileChecksum.ComputeAsync(path, cancellationToken);
            if (!string.Equals(actual.Sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new TopicEngineException($"{path}: SHA-256 does not match model.json (corrupted or changed after saving); restore the file or fit the model again");
        }
        return manifest;
    }

    /// <summary>Path of doc_topics.parquet in <paramref name="directory"/>, or null when the model has none.</summary>
    public static string? DocTopicsPath(string directory)
    {
        string path = Path.Combine(ResolveFiles(directory), DocTopicsWriter.FileName);
        return File.Exists(path) ? path : null;
    }

    private static ModelManifest ToManifest(ModelSnapshot s) => new()
    {
        Topics = s.Topics,
        VocabularySize = s.VocabularySize,
        Alpha = s.Alpha,
        Eta = s.Eta,
        Tau0 = s.Tau0,
        Kappa = s.Kappa,
        BatchSize = s.BatchSize,
        Seed = s.Seed,
        Steps = s.Steps,
        DocumentsSeen = s.DocumentsSeen,
        CorpusDocuments = s.CorpusDocuments,
        Analyzer = s.Analyzer?.DeepClone().AsObject(),
        TrainingCorpus = s.TrainingCorpus?.DeepClone().AsObject(),
        VocabularyHash = s.Vocabulary.Fingerprint(),
        Backend = s.Backend,
        Created = s.Created,
        Updated = s.Updated,
        Updates = [.. s.Updates],
        Trainer = s.Trainer?.DeepClone().AsObject(),
    };

    private static void RefuseForeignDirectory(string directory)
    {
        if (File.Exists(directory))
            throw new TopicEngineException($"{directory}: is a file; the model output must be a directory");
        if (!VersionedDirectory.IsOursOrEmpty(directory, ModelManifest.FileName))
            throw new TopicEngineException($"{directory}: exists and is not a TopicEngine model directory (no model.json); choose an empty or new --out");
    }
}
