using System.Text.Json.Nodes;
using TopicEngine.Model;
using TopicEngine.Storage;
using TopicEngine.Corpus;

namespace TopicEngine.Tests;

public sealed class ModelDirectoryTests
{
    private static async Task<string> SaveAsync(TempDirectory temp, ModelSnapshot? snapshot = null, bool withDocTopics = true)
    {
        string dir = temp.File("model");
        snapshot ??= ModelTestData.Snapshot();
        await ModelDirectory.SaveAsync(dir, snapshot, writeDocTopics: withDocTopics
            ? (writer, ct) => writer.WriteAsync(["d1", "d2"], Enumerable.Range(1, 2 * snapshot.Topics).Select(i => (float)i).ToArray(), new long[] { 5, 6 }, ct)
            : null);
        return dir;
    }

    [Fact]
    public async Task SaveThenLoadGivesBackEverything()
    {
        using var temp = new TempDirectory();
        var saved = ModelTestData.Snapshot();
        string dir = await SaveAsync(temp, saved);
        var loaded = await ModelDirectory.LoadAsync(dir);

        Assert.Equal(saved.Lambda, loaded.Lambda);
        Assert.Equal(saved.Alpha, loaded.Alpha);
        Assert.Equal(saved.Eta, loaded.Eta);
        Assert.Equal(saved.Vocabulary.Terms, loaded.Vocabulary.Terms);
        Assert.Equal(saved.Vocabulary.DocumentFrequency(4), loaded.Vocabulary.DocumentFrequency(4));
        Assert.Equal(saved.Vocabulary.CollectionFrequency(6), loaded.Vocabulary.CollectionFrequency(6));
        Assert.Equal((saved.Tau0, saved.Kappa, saved.BatchSize, saved.Seed), (loaded.Tau0, loaded.Kappa, loaded.BatchSize, loaded.Seed));
        Assert.Equal((saved.Steps, saved.DocumentsSeen, saved.CorpusDocuments), (loaded.Steps, loaded.DocumentsSeen, loaded.CorpusDocuments));
        Assert.Equal(saved.Backend, loaded.Backend);
        Assert.Equal(saved.Created, loaded.Created);
        Assert.Equal(saved.Updated, loaded.Updated);
        Assert.Equal(saved.Updates, loaded.Updates);
        Assert.Equal(saved.TrainingLog, loaded.TrainingLog);
        Assert.True(JsonNode.DeepEquals(saved.Analyzer, loaded.Analyzer));
        Assert.True(JsonNode.DeepEquals(saved.Trainer, loaded.Trainer));

        var manifest = await ModelDirectory.VerifyAsync(dir);
        Assert.Equal(ModelManifest.CurrentFormatVersion, manifest.FormatVersion);
        Assert.Equal(
            new[] { "doc_topics.parquet", "lambda.parquet", "topics.parquet", "training_log.parquet", "vocabulary.parquet" },
            manifest.Files.Keys.ToArray());
        Assert.Equal(
            new[] { "doc_topics.parquet", "lambda.parquet", "model.json", "topics.parquet", "training_log.parquet", "vocabulary.parquet" },
            Directory.GetFiles(CurrentVersion.Folder(dir)).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(new[] { dir }, Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task EveryParquetFileIsReadableByDuckDbWithTheDocumentedColumns()
    {
        using var temp = new TempDirectory();
        var snapshot = ModelTestData.Snapshot(topics: 3, terms: 7);
        string dir = await SaveAsync(temp, snapshot);
        string P(string name) => CurrentVersion.File(dir, name);

        Assert.Equal(new[] { "topic_id INTEGER", "term_id INTEGER", "value FLOAT" }, DuckDbQuery.Schema(P("lambda.parquet")));
        var lambda = DuckDbQuery.Run($"SELECT count(*), count(DISTINCT topic_id), count(DISTINCT term_id) FROM read_parquet('{P("lambda.parquet")}')").Rows.Single();
        Assert.Equal(new object?[] { 21L, 3L, 7L }, lambda.Select(v => (object?)Convert.ToInt64(v)).ToArray());
        Assert.Equal(snapshot.Lambda[5 * 3 + 2], Convert.ToSingle(DuckDbQuery.Scalar($"SELECT value FROM read_parquet('{P("lambda.parquet")}') WHERE term_id = 5 AND topic_id = 2")));

        Assert.Equal(new[] { "term_id INTEGER", "term VARCHAR", "df BIGINT", "cf BIGINT" }, DuckDbQuery.Schema(P("vocabulary.parquet")));
        Assert.Equal("term3", DuckDbQuery.Scalar($"SELECT term FROM read_parquet('{P("vocabulary.parquet")}') WHERE term_id = 3"));

        Assert.Equal(new[] { "topic_id INTEGER", "rank INTEGER", "term_id INTEGER", "term VARCHAR", "probability FLOAT", "lambda FLOAT" },
            DuckDbQuery.Schema(P("topics.parquet")));
        var topics = DuckDbQuery.Run($"SELECT topic_id, count(*), sum(probability) FROM read_parquet('{P("topics.parquet")}') GROUP BY topic_id ORDER BY topic_id").Rows;
        Assert.Equal(3, topics.Count);
        Assert.All(topics, r => Assert.Equal(7L, Convert.ToInt64(r[1])));
        Assert.All(topics, r => Assert.Equal(1.0, Convert.ToDouble(r[2]), 4)); // all 7 terms (< top 50): E[β] sums to 1

        Assert.Equal(new[] { "step BIGINT", "docs_seen BIGINT", "rho FLOAT", "elbo_per_word DOUBLE", "perplexity DOUBLE", "seconds DOUBLE", "backend VARCHAR" },
            DuckDbQuery.Schema(P("training_log.parquet")));
        Assert.Equal(3072L, Convert.ToInt64(DuckDbQuery.Scalar($"SELECT max(docs_seen) FROM read_parquet('{P("training_log.parquet")}')")));

        Assert.Equal(2L, Convert.ToInt64(DuckDbQuery.Scalar($"SELECT count(*) FROM read_parquet('{P("doc_topics.parquet")}')")));
        Assert.Equal(3, Convert.ToInt32(DuckDbQuery.Scalar($"SELECT len(gamma) FROM read_parquet('{P("doc_topics.parquet")}') WHERE doc_key = 'd2'")));
    }

    [Fact]
    public async Task AModelWithoutDocTopicsLoads()
    {
        using var temp = new TempDirectory();
        string dir = await SaveAsync(temp, withDocTopics: false);
        Assert.Null(ModelDirectory.DocTopicsPath(dir));
        Assert.Equal(7, ModelDirectory.Load(dir).VocabularySize);
    }

    [Fact]
    public async Task AnUnknownFormatVersionIsRefusedNamingModelJson()
    {
        using var temp = new TempDirectory();
        string dir = await SaveAsync(temp);
        string path = CurrentVersion.File(dir, "model.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        json["format_version"] = 99;
        await File.WriteAllTextAsync(path, json.ToJsonString());
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.LoadAsync(dir));
        Assert.Contains("model.json", e.Message);
        Assert.Contains("format version 99", e.Message);
    }

    [Fact]
    public async Task AMissingOrBrokenModelJsonIsRefusedNamingIt()
    {
        using var temp = new TempDirectory();
        string dir = await SaveAsync(temp);
        string path = CurrentVersion.File(dir, "model.json");
        await File.WriteAllTextAsync(path, "{ \"format_version\": 1, ");
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.LoadAsync(dir));
        Assert.Contains("model.json: not valid JSON", e.Message);
        File.Delete(path);
        e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.LoadAsync(dir));
        Assert.Contains("model.json: file is missing", e.Message);
    }

    [Theory]
    [InlineData("lambda.parquet")]
    [InlineData("topics.parquet")]
    [InlineData("doc_topics.parquet")]
    public async Task AMissingFileIsRefusedNamingIt(string name)
    {
        using var temp = new TempDirectory();
        string dir = await SaveAsync(temp);
        File.Delete(CurrentVersion.File(dir, name));
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.LoadAsync(dir));
        Assert.Contains($"{name}: file is missing", e.Message);
    }

    [Theory]
    [InlineData("lambda.parquet")]
    [InlineData("vocabulary.parquet")]
    public async Task ATruncatedFileIsRefusedNamingIt(string name)
    {
        using var temp = new TempDirectory();
        string dir = await SaveAsync(temp);
        string path = CurrentVersion.File(dir, name);
        await using (var stream = new FileStream(path, FileMode.Open))
            stream.SetLength(stream.Length / 2);
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.LoadAsync(dir));
        Assert.Contains(name, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("lambda.parquet")]
    [InlineData("training_log.parquet")]
    public async Task AChangedByteIsRefusedAsAChecksumMismatchNamingTheFile(string name)
    {
        using var temp = new TempDirectory();
        string dir = await SaveAsync(temp);
        string path = CurrentVersion.File(dir, name);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes);
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.LoadAsync(dir));
        Assert.Contains($"{name}: SHA-256 does not match", e.Message);
    }

    [Fact]
    public async Task AVocabularyFromAnotherModelIsRefusedEvenWithAMatchingChecksum()
    {
        using var temp = new TempDirectory();
        string dir = await SaveAsync(temp);
        // Put another vocabulary of the same size in place and record its checksum, as a careless copy would.
        var other = ModelTestData.Snapshot().Vocabulary;
        var renamed = new Text.Vocabulary();
        foreach (var term in other.Terms) renamed.Add(term + "x", 1, 1);
        string path = CurrentVersion.File(dir, VocabularyFile.FileName);
        await VocabularyFile.WriteAsync(renamed, path);
        string manifestPath = CurrentVersion.File(dir, ModelManifest.FileName);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        var checksum = await FileChecksum.ComputeAsync(path);
        json["files"]![VocabularyFile.FileName]!["sha256"] = checksum.Sha256;
        json["files"]![VocabularyFile.FileName]!["bytes"] = checksum.Bytes;
        await File.WriteAllTextAsync(manifestPath, json.ToJsonString());

        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.LoadAsync(dir));
        Assert.Contains("vocabulary.parquet", e.Message);
        Assert.Contains("vocabulary_hash", e.Message);
    }

    [Fact]
    public async Task AFailedSaveLeavesTheExistingModelIntact()
    {
        using var temp = new TempDirectory();
        var first = ModelTestData.Snapshot(seed: 1);
        string dir = await SaveAsync(temp, first);
        var second = ModelTestData.Snapshot(seed: 2);
        await Assert.ThrowsAsync<InvalidOperationException>(() => ModelDirectory.SaveAsync(dir, second, writeDocTopics: async (writer, ct) =>
        {
            await writer.WriteAsync(["d1"], new float[] { 1, 2, 3 }, new long[] { 1 }, ct);
            throw new InvalidOperationException("the final local step failed");
        }));
        var loaded = await ModelDirectory.LoadAsync(dir);
        Assert.Equal(first.Lambda, loaded.Lambda);
        Assert.Equal(new[] { dir }, Directory.GetFileSystemEntries(temp.Path));

        await ModelDirectory.SaveAsync(dir, second);
        Assert.Equal(second.Lambda, (await ModelDirectory.LoadAsync(dir)).Lambda);
        Assert.Null(ModelDirectory.DocTopicsPath(dir));
        Assert.Equal(new[] { dir }, Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task ADirectoryThatIsNotAModelIsNeverReplaced()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("thesis.tex"), "precious");
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.SaveAsync(temp.Path, ModelTestData.Snapshot()));
        Assert.Contains("not a TopicEngine model directory", e.Message);
        Assert.Equal("precious", await File.ReadAllTextAsync(temp.File("thesis.tex")));
    }

    [Fact]
    public async Task NonFiniteLambdaIsNeverSaved()
    {
        using var temp = new TempDirectory();
        var snapshot = ModelTestData.Snapshot();
        snapshot.Lambda[4] = float.NaN;
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.SaveAsync(temp.File("model"), snapshot));
        Assert.Contains("lambda", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task AMissingDirectoryIsReportedByName()
    {
        using var temp = new TempDirectory();
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => ModelDirectory.LoadAsync(temp.File("nothing")));
        Assert.Contains("nothing", e.Message);
    }

    [Fact]
    public async Task ACheckpointKeepsTheTrainerStateForResume()
    {
        using var temp = new TempDirectory();
        var trained = ModelTestData.Snapshot();
        var state = new Inference.TrainerState(trained.Topics, trained.VocabularySize, trained.Lambda, trained.Alpha, trained.Eta,
            Step: 40, CompletedPasses: 2, BatchesDoneInPass: 5, DocumentsSeen: 9000, Seconds: 12.5, Log: trained.TrainingLog,
            HeldOutLog: [new Inference.HeldOutLogRow(1, 20, 900.5, -6.8), new Inference.HeldOutLogRow(2, 35, 850.25, -6.75)], Converged: false);
        var options = new Inference.TrainingOptions { Topics = trained.Topics, BatchSize = 128, Tau0 = 32, Kappa = 0.6, Seed = 9 };
        var snapshot = ModelSnapshot.FromTraining(state, options, trained.Vocabulary, "cpu", corpusDocuments: 4000,
            updates: [new ModelUpdate("checkpoint", DateTimeOffset.UtcNow, 9000, 0, 40)]);
        string dir = temp.File("checkpoint");
        await ModelDirectory.SaveAsync(dir, snapshot);

        var loaded = await ModelDirectory.LoadAsync(dir);
        Assert.Equal((128, 32.0, 0.6, 9L, 4000L), (loaded.BatchSize, loaded.Tau0, loaded.Kappa, loaded.Seed, loaded.CorpusDocuments));
        var resumed = loaded.ToTrainerState();
        Assert.Equal(state.Lambda, resumed.Lambda);
        Assert.Equal((state.Step, state.CompletedPasses, state.BatchesDoneInPass, state.DocumentsSeen, state.Seconds, state.Converged),
            (resumed.Step, resumed.CompletedPasses, resumed.BatchesDoneInPass, resumed.DocumentsSeen, resumed.Seconds, resumed.Converged));
        Assert.Equal(state.HeldOutLog, resumed.HeldOutLog);
        Assert.Equal(state.Log, resumed.Log);
        Assert.Equal("checkpoint", loaded.Updates.Single().Kind);
    }
}
