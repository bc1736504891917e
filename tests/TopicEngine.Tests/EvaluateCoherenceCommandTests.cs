using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace TopicEngine.Tests;

/// <summary><c>evaluate</c>'s coherence end to end: the training corpus as the default reference, evaluation.parquet, the
/// fallback to the held-out documents, topic-word tables, and agreement with gensim's CoherenceModel.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class EvaluateCoherenceCommandTests
{
    private static readonly string[][] Themes =
    [
        ["graphics", "card", "driver", "memory", "screen", "pixel", "monitor", "video"],
        ["space", "shuttle", "orbit", "launch", "rocket", "moon", "nasa", "satellite"],
        ["hockey", "team", "season", "goal", "player", "league", "coach", "game"],
    ];

    private static readonly string[] Filler = ["people", "think", "really", "know", "good", "time", "year", "make", "work", "thing"];

    /// <summary>Documents of 3 to 200 words (shorter and longer than both windows), each mostly one theme, some mixed.</summary>
    private static void WriteCorpus(TempDirectory dir, string folder, int documents, int seed)
    {
        var random = new Random(seed);
        for (int d = 0; d < documents; d++)
        {
            int length = d % 7 == 0 ? 3 + random.Next(6) : 20 + random.Next(180);
            var main = Themes[d % 3];
            var other = Themes[(d + 1 + random.Next(2)) % 3];
            var words = new List<string>(length);
            for (int i = 0; i < length; i++)
            {
                double u = random.NextDouble();
                words.Add(u < 0.55 ? main[random.Next(main.Length)] : u < 0.7 ? other[random.Next(other.Length)] : Filler[random.Next(Filler.Length)]);
            }
            dir.Write($"{folder}/{d:D3}.txt", string.Join(' ', words));
        }
    }

    private static string Fit(TempDirectory dir)
    {
        WriteCorpus(dir, "train", 90, 1);
        var (exit, _, error) = CliRun.Run("fit", "--input", dir.File("train"), "--topics", "3", "--min-df", "1", "--max-df", "1",
            "--holdout", "0", "--passes", "5", "--threads", "1", "--device", "cpu", "--out", dir.File("model"));
        Assert.True(exit == 0, error);
        return dir.File("model");
    }

    [Fact]
    public void EvaluateWithoutHeldOutScoresOnTheTrainingCorpusAndWritesEvaluationParquet()
    {
        using var dir = new TempDirectory();
        string model = Fit(dir);
        var (exit, output, error) = CliRun.Run("evaluate", "--model", model, "--out", dir.File("eval"), "--json");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("TrainingCorpus", (string)json["reference_source"]!);
        Assert.Contains(dir.File("train"), (string)json["reference"]!);
        Assert.True((bool)json["sliding_windows"]!);
        Assert.Equal(90, (long)json["reference_documents"]!);
        Assert.Null(json["perplexity"]);
        Assert.InRange((double)json["c_v"]!, 0, 1);
        Assert.True((double)json["umass"]! < 0);

        string parquet = Path.Combine(dir.File("eval"), "evaluation.parquet");
        var rows = DuckDbQuery.Run($"SELECT row, topic_id, umass, npmi, c_v, diversity FROM read_parquet('{parquet}') ORDER BY row DESC, topic_id").Rows;
        Assert.Equal(4, rows.Count);
        Assert.Equal("mean", rows[3][0]);
        Assert.Equal((double)json["npmi"]!, Convert.ToDouble(rows[3][3], CultureInfo.InvariantCulture), 12);
        Assert.Equal((double)json["per_topic"]![1]!["c_v"]!, Convert.ToDouble(rows[1][4], CultureInfo.InvariantCulture), 12);
        Assert.Null(rows[0][5]);
    }

    [Fact]
    public void WhenTheTrainingCorpusIsGoneTheHeldOutDocumentsAreTheReferenceAndTheOutputSaysSo()
    {
        using var dir = new TempDirectory();
        string model = Fit(dir);
        WriteCorpus(dir, "test", 30, 2);
        Directory.Move(dir.File("train"), dir.File("train-moved"));
        var (exit, output, error) = CliRun.Run("evaluate", "--model", model, "--input", dir.File("test"));
        Assert.True(exit == 0, error);
        Assert.Contains("reference (HeldOut): held-out documents", output);
        Assert.Contains("is no longer there", output);
        Assert.Contains("held-out perplexity", output);

        (exit, _, error) = CliRun.Run("evaluate", "--model", model);
        Assert.Equal(1, exit);
        Assert.Contains("no reference corpus for coherence", error);
    }

    [Fact]
    public void TopicWordNpyWithVocabularyFromAPreparedCorpusFolderIsScored()
    {
        using var dir = new TempDirectory();
        WriteCorpus(dir, "train", 60, 3);
        var (exit, _, error) = CliRun.Run("prepare", "--input", dir.File("train"), "--min-df", "1", "--max-df", "1", "--out", dir.File("prepared"));
        Assert.True(exit == 0, error);
        (exit, _, error) = CliRun.Run("export", "--corpus", dir.File("prepared"), "--out", dir.File("uci"));
        Assert.True(exit == 0, error);
        int terms = File.ReadAllLines(dir.File("uci/vocab.txt")).Length;
        // a 2×V float64 topic-word matrix in .npy, as a peer writes it: topic 0 on the first half of the terms, topic 1 on the rest
        var values = new double[2 * terms];
        for (int w = 0; w < terms; w++) values[(w < terms / 2 ? 0 : 1) * terms + w] = 1 + w % 3;
        string header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': (2, {terms}), }}";
        header = header.PadRight(117) + "\n";
        using (var file = File.Create(dir.File("peer.npy")))
        {
            file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
            file.Write(System.Text.Encoding.ASCII.GetBytes(header));
            foreach (double v in values) file.Write(BitConverter.GetBytes(v));
        }
        (exit, var output, error) = CliRun.Run("evaluate", "--topic-word", dir.File("peer.npy"), "--vocabulary-from", dir.File("prepared"), "--json");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("TrainingCorpus", (string)json["reference_source"]!);
        Assert.Equal(2, json["per_topic"]!.AsArray().Count);
    }

    [Fact]
    public void TopicWordCsvWithVocabularyFromAModelFolderIsScored()
    {
        using var dir = new TempDirectory();
        string model = Fit(dir);
        (_, var reference, _) = CliRun.Run("evaluate", "--model", model, "--json");
        var topics = JsonNode.Parse(reference)!["per_topic"]!.AsArray();
        // the model's own top words as a table, weights falling with rank: the same top words, so the same coherence
        var lines = new List<string> { "topic_id,term,weight" };
        foreach (var topic in topics)
        {
            var terms = topic!["top_terms"]!.AsArray().Select(t => (string)t!).ToArray();
            lines.AddRange(terms.Select((t, r) => $"{(int)topic["topic_id"]!},\"{t}\",{10 - r}"));
        }
        File.WriteAllLines(dir.File("topics.csv"), lines);
        var (exit, output, error) = CliRun.Run("evaluate", "--topic-word", dir.File("topics.csv"), "--vocabulary-from", model, "--json");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("TrainingCorpus", (string)json["reference_source"]!);
        Assert.Equal((double)JsonNode.Parse(reference)!["c_v"]!, (double)json["c_v"]!, 12);
        Assert.Contains("perplexity needs them all", json["notes"]!.ToJsonString());
    }

    [Fact]
    public void TopicWordParquetWrittenByDuckDbIsScoredLikeTheModel()
    {
        using var dir = new TempDirectory();
        string model = Fit(dir);
        (_, var reference, _) = CliRun.Run("evaluate", "--model", model, "--json");
        string topics = CurrentVersion.File(model, "topics.parquet");
        string table = dir.File("topic_word.parquet");
        // every term of every topic (topics.parquet has the top 50; the vocabulary here is smaller), as DuckDB writes it:
        // optional columns, topic_id int32, weight double
        DuckDbQuery.Run($"COPY (SELECT topic_id, term, probability::DOUBLE AS weight FROM read_parquet('{topics}')) TO '{table}' (FORMAT parquet)");
        var (exit, output, error) = CliRun.Run("evaluate", "--topic-word", table, "--vocabulary-from", model, "--json");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!;
        var expected = JsonNode.Parse(reference)!;
        Assert.Equal((double)expected["umass"]!, (double)json["umass"]!, 12);
        Assert.Equal((double)expected["npmi"]!, (double)json["npmi"]!, 12);
        Assert.Equal(3, (int)json["topics"]!);
    }

    /// <summary>Agreement with gensim's CoherenceModel (u_mass, c_npmi, c_v) within 0.01 per topic on the same topics and the
    /// same tokenised documents (what benchmarks/coherence_agreement.sh shows on 20news).</summary>
    [GensimFact]
    public void CoherenceAgreesWithGensimCoherenceModelPerTopic()
    {
        using var dir = new TempDirectory();
        string model = Fit(dir);
        var (exit, output, error) = CliRun.Run("evaluate", "--model", model, "--json", "--export-texts", dir.File("texts.jsonl"));
        Assert.True(exit == 0, error);
        File.WriteAllText(dir.File("evaluation.json"), output);
        string script = Path.Combine(ToolPackageTests.RepositoryRoot(), "benchmarks", "coherence_agreement.py");
        var start = new ProcessStartInfo(GensimFactAttribute.Python,
            [script, "--texts", dir.File("texts.jsonl"), "--evaluation", dir.File("evaluation.json"), "--tolerance", "0.01"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stdout + stderr);
        Assert.Contains("OK: tolerance 0.01", stdout);
    }
}
