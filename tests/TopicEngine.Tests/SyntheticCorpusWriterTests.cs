using System.Globalization;
using DuckDB.NET.Data;
using TopicEngine.Synthetic;

namespace TopicEngine.Tests;

public sealed class SyntheticCorpusWriterTests
{
    private static readonly SyntheticLdaOptions Options = new()
    {
        Documents = 500, VocabularySize = 300, Topics = 4, DocumentLength = 40, Seed = 9,
    };

    [Fact]
    public async Task SameSeedWritesTheSameBytes()
    {
        using var temp = new TempDirectory();
        await SyntheticCorpusWriter.WriteAsync(Options, temp.File("a"));
        await SyntheticCorpusWriter.WriteAsync(Options, temp.File("b"));
        await SyntheticCorpusWriter.WriteAsync(Options with { Seed = 10 }, temp.File("c"));
        foreach (var name in new[] { SyntheticCorpusWriter.DocwordFile, SyntheticCorpusWriter.VocabFile, SyntheticCorpusWriter.TrueTopicsFile, SyntheticCorpusWriter.TrueDocTopicsFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(temp.File("a"), name)), File.ReadAllBytes(Path.Combine(temp.File("b"), name)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(temp.File("a"), SyntheticCorpusWriter.DocwordFile)),
            File.ReadAllBytes(Path.Combine(temp.File("c"), SyntheticCorpusWriter.DocwordFile)));
    }

    [Fact]
    public async Task DocwordHeaderCountsMatchTheBody()
    {
        using var temp = new TempDirectory();
        var summary = await SyntheticCorpusWriter.WriteAsync(Options, temp.Path);
        var lines = File.ReadAllLines(temp.File(SyntheticCorpusWriter.DocwordFile));
        int d = int.Parse(lines[0], CultureInfo.InvariantCulture);
        int v = int.Parse(lines[1], CultureInfo.InvariantCulture);
        long nnz = long.Parse(lines[2], CultureInfo.InvariantCulture);
        Assert.Equal(Options.Documents, d);
        Assert.Equal(Options.VocabularySize, v);
        Assert.Equal(lines.Length - 3, nnz);
        Assert.Equal(summary.NonZeros, nnz);
        long tokens = 0;
        var seen = new HashSet<(int, int)>();
        int previousDoc = 0;
        foreach (var line in lines.Skip(3))
        {
            var parts = line.Split(' ');
            int doc = int.Parse(parts[0], CultureInfo.InvariantCulture), word = int.Parse(parts[1], CultureInfo.InvariantCulture);
            int count = int.Parse(parts[2], CultureInfo.InvariantCulture);
            Assert.InRange(doc, 1, d);
            Assert.InRange(word, 1, v);
            Assert.True(count > 0);
            Assert.True(doc >= previousDoc, "documents in order");
            Assert.True(seen.Add((doc, word)), "a (doc, word) pair appears once");
            previousDoc = doc;
            tokens += count;
        }
        Assert.Equal(summary.Tokens, tokens);
        Assert.Equal(new SyntheticLda(Options).TokenCount, tokens);
        var vocab = File.ReadAllLines(temp.File(SyntheticCorpusWriter.VocabFile));
        Assert.Equal(v, vocab.Length);
        Assert.Equal("w000", vocab[0]);
        Assert.Equal("w299", vocab[^1]);
    }

    [Fact]
    public async Task TruthFilesAreReadableByDuckDbAndMatchTheModel()
    {
        using var temp = new TempDirectory();
        await SyntheticCorpusWriter.WriteAsync(Options, temp.Path);
        var truth = SyntheticLda.Generate(Options);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();

        command.CommandText = $"SELECT count(*), min(doc_id), max(doc_id), min(len(theta)), max(len(theta)), max(abs(list_sum(theta) - 1)) FROM read_parquet('{temp.File(SyntheticCorpusWriter.TrueDocTopicsFile)}')";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(Options.Documents, Convert.ToInt64(reader.GetValue(0)));
            Assert.Equal(1, Convert.ToInt32(reader.GetValue(1)));
            Assert.Equal(Options.Documents, Convert.ToInt32(reader.GetValue(2)));
            Assert.Equal(Options.Topics, Convert.ToInt32(reader.GetValue(3)));
            Assert.Equal(Options.Topics, Convert.ToInt32(reader.GetValue(4)));
            Assert.True(Convert.ToDouble(reader.GetValue(5)) < 1e-4);
        }

        command.CommandText = $"SELECT theta[2] FROM read_parquet('{temp.File(SyntheticCorpusWriter.TrueDocTopicsFile)}') WHERE doc_id = 7";
        Assert.Equal(truth.DocumentTopics[6 * Options.Topics + 1], Convert.ToSingle(command.ExecuteScalar()));

        command.CommandText = $"SELECT topic_id, sum(probability), min(probability) FROM read_parquet('{temp.File(SyntheticCorpusWriter.TrueTopicsFile)}') GROUP BY topic_id ORDER BY topic_id";
        using (var reader = command.ExecuteReader())
        {
            int topics = 0;
            while (reader.Read())
            {
                Assert.Equal(topics++, Convert.ToInt32(reader.GetValue(0)));
                Assert.InRange(Convert.ToDouble(reader.GetValue(1)), 0.999, 1.001);
                Assert.True(Convert.ToDouble(reader.GetValue(2)) >= SyntheticCorpusWriter.TopicProbabilityThreshold);
            }
            Assert.Equal(Options.Topics, topics);
        }

        command.CommandText = $"SELECT probability FROM read_parquet('{temp.File(SyntheticCorpusWriter.TrueTopicsFile)}') WHERE topic_id = 2 AND term_id = 0";
        var value = command.ExecuteScalar();
        float expected = truth.TopicWord[2 * Options.VocabularySize];
        if (expected >= SyntheticCorpusWriter.TopicProbabilityThreshold) Assert.Equal(expected, Convert.ToSingle(value));
        else Assert.Null(value);
    }

    [Fact]
    public async Task DocwordMatchesTheInMemoryCorpus()
    {
        using var temp = new TempDirectory();
        await SyntheticCorpusWriter.WriteAsync(Options, temp.Path);
        var batch = SyntheticLda.Generate(Options).Corpus.Slice(0, Options.Documents);
        var body = File.ReadLines(temp.File(SyntheticCorpusWriter.DocwordFile)).Skip(3).ToArray();
        Assert.Equal(batch.NonZeroCount, body.Length);
        int line = 0;
        for (int d = 0; d < batch.DocumentCount; d++)
        {
            var terms = batch.DocumentTerms(d);
            var counts = batch.DocumentCounts(d);
            for (int i = 0; i < terms.Length; i++)
                Assert.Equal($"{d + 1} {terms[i] + 1} {(int)counts[i]}", body[line++]);
        }
    }

    [Fact]
    public async Task RefusesADirectoryHoldingOtherFilesAndReplacesItsOwnOutput()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("notes.txt"), "mine");
        var e = await Assert.ThrowsAsync<TopicEngineException>(() => SyntheticCorpusWriter.WriteAsync(Options, temp.Path));
        Assert.Contains("notes.txt", e.Message);
        Assert.Equal("mine", File.ReadAllText(temp.File("notes.txt")));

        string output = temp.File("corpus");
        await SyntheticCorpusWriter.WriteAsync(Options, output);
        await SyntheticCorpusWriter.WriteAsync(Options with { Documents = 10 }, output);
        Assert.Equal("10", File.ReadLines(Path.Combine(output, SyntheticCorpusWriter.DocwordFile)).First());
        Assert.Equal(new[] { "corpus", "notes.txt" }, Directory.GetFileSystemEntries(temp.Path).Select(p => Path.GetFileName(p)).Order().ToArray());
    }

    [Fact]
    public async Task CancelledGenerationLeavesNoOutput()
    {
        using var temp = new TempDirectory();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SyntheticCorpusWriter.WriteAsync(Options, temp.File("out"), null, cts.Token));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task ZeroLengthDocumentsAreKeptAndCounted()
    {
        using var temp = new TempDirectory();
        var summary = await SyntheticCorpusWriter.WriteAsync(Options with { Documents = 3, DocumentLength = 0 }, temp.Path);
        Assert.Equal((3L, 0L, 0L), (summary.Documents, summary.Tokens, summary.NonZeros));
        Assert.Equal(new[] { "3", "300", "0" }, File.ReadAllLines(temp.File(SyntheticCorpusWriter.DocwordFile)));
        Assert.Equal(3L, Convert.ToInt64(DuckDbQuery.Scalar($"SELECT count(*) FROM read_parquet('{temp.File(SyntheticCorpusWriter.TrueDocTopicsFile)}')")));
    }
}
