using System.Text.Json;
using System.Text.RegularExpressions;
using Parquet;
using Parquet.Schema;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using Xunit;

namespace TopicEngine.Tests;

/// <summary>The HTML report's data and self-containment; <see cref="ReportBrowserTests"/> renders it in Chromium.</summary>
public sealed class ReportTests
{
    /// <summary>A 3-topic model of <see cref="TopicTextCorpus"/> in <c>model</c>, its documents in <c>docs</c>.</summary>
    internal static async Task<string> FitModelAsync(TempDirectory dir)
    {
        TopicTextCorpus.Write(dir, "docs", 90);
        var trainer = new TopicTrainer(new TopicTrainerOptions { Training = new TrainingOptions { Topics = 3, Passes = 4, Seed = 2, Threads = 1, HoldoutFraction = 0.1 }, Device = "cpu" });
        await trainer.FitCorpusAsync(CorpusInput.FromPaths([dir.File("docs")]), dir.File("model"));
        return dir.File("model");
    }

    internal static JsonElement Data(string html)
    {
        var match = Regex.Match(html, "<script id=\"report-data\" type=\"application/json\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(match.Success, "the data script is missing");
        return JsonDocument.Parse(match.Groups[1].Value).RootElement;
    }

    [Fact]
    public async Task Report_is_one_self_contained_file_with_every_topic_placed_and_the_training_curve()
    {
        using var dir = new TempDirectory();
        string model = await FitModelAsync(dir);
        int topics = await TopicReport.WriteAsync(model, dir.File("out/report.html"), new ReportOptions { Input = CorpusInput.FromPaths([dir.File("docs")]) });
        Assert.Equal(3, topics);
        string html = File.ReadAllText(dir.File("out/report.html"));

        // nothing fetched at view time: no external script, style, image or font
        Assert.DoesNotMatch("<script[^>]+src=", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("__REPORT_DATA__", html);

        var data = Data(html);
        Assert.Equal(3, data.GetProperty("topics").GetArrayLength());
        double prevalence = 0;
        foreach (var topic in data.GetProperty("topics").EnumerateArray())
        {
            Assert.True(double.IsFinite(topic.GetProperty("x").GetDouble()));
            prevalence += topic.GetProperty("prevalence").GetDouble();
            Assert.True(topic.GetProperty("term_index").GetArrayLength() >= 10);
            var examples = topic.GetProperty("examples");
            Assert.Equal(5, examples.GetArrayLength());
            // first words come from the input, matched by key
            var first = examples[0];
            Assert.Equal(TopicTextCorpus.Text(int.Parse(first.GetProperty("key").GetString()![..3])).Split(' ').Take(30),
                first.GetProperty("text").GetString()!.TrimEnd(' ', '…').Split(' '));
        }
        Assert.Equal(1.0, prevalence, 6);
        Assert.Equal("doc_topics.parquet (Σ θ × tokens)", data.GetProperty("prevalence_source").GetString());
        var curve = data.GetProperty("curve");
        Assert.True(curve.GetProperty("docs").GetArrayLength() >= 4);
        Assert.Equal(4, curve.GetProperty("held_out_perplexity").GetArrayLength());   // one per pass
        Assert.Equal(0, data.GetProperty("evaluation_columns").GetArrayLength());
    }

    [Fact]
    public async Task Report_shows_per_topic_coherence_from_an_evaluation_file_and_keys_only_without_input()
    {
        using var dir = new TempDirectory();
        string model = await FitModelAsync(dir);
        string evaluation = dir.File("evaluation.parquet");
        var topicId = new DataField<int>("topic_id");
        var npmi = new DataField<double>("npmi");
        var label = new DataField<string>("note");
        await using (var stream = File.Create(evaluation))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(topicId, npmi, label), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(topicId, new[] { 0, 1, 2, -1 });   // -1: a mean row, skipped
            await group.WriteAsync<double>(npmi, new[] { 0.25, 0.5, 0.75, 0.5 });
            await group.WriteAsync(label, new[] { "a", "b", "c", "mean" }, null);
        }
        await TopicReport.WriteAsync(model, dir.File("report.html"), new ReportOptions { EvaluationFile = evaluation });
        var data = Data(File.ReadAllText(dir.File("report.html")));
        Assert.Equal(["npmi"], data.GetProperty("evaluation_columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal([0.25, 0.5, 0.75], data.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("coherence")[0].GetDouble()));
        Assert.Contains("--input", data.GetProperty("examples_note").GetString());
        Assert.All(data.GetProperty("topics").EnumerateArray(), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("examples")[0].GetProperty("text").ValueKind));
    }

    [Fact]
    public void Relevance_at_lambda_one_ranks_by_probability_and_at_zero_by_lift()
    {
        float[] row = [0.5f, 0.3f, 0.15f, 0.05f];
        double[] pw = [0.6, 0.1, 0.25, 0.05];
        Assert.Equal([0, 1, 2, 3], Report.ReportRelevance(row, pw, 1.0, 4));
        // lift p(w|k)/p(w): 0.83, 3, 0.6, 1
        Assert.Equal([1, 3, 0, 2], Report.ReportRelevance(row, pw, 0.0, 4));
    }

    [Fact]
    public void Jensen_Shannon_is_zero_for_equal_topics_and_ln2_for_disjoint_ones()
    {
        float[] topicWord = [0.5f, 0.5f, 0, 0, 0.5f, 0.5f, 0, 0, 0, 0, 0.5f, 0.5f];
        var d = IntertopicMap.JensenShannon(topicWord, 3, 4);
        Assert.Equal(0, d[0, 1], 9);
        Assert.Equal(Math.Log(2), d[0, 2], 6);
        Assert.Equal(d[2, 0], d[0, 2]);
    }

    [Fact]
    public void Classical_scaling_recovers_the_distances_of_points_in_a_plane()
    {
        (double X, double Y)[] points = [(0, 0), (3, 0), (0, 4), (5, 5), (-2, 1), (1, -3)];
        int n = points.Length;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) d[i, j] = Math.Sqrt(Math.Pow(points[i].X - points[j].X, 2) + Math.Pow(points[i].Y - points[j].Y, 2));
        var mapped = IntertopicMap.ClassicalScaling(d);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(d[i, j], Math.Sqrt(Math.Pow(mapped[i].X - mapped[j].X, 2) + Math.Pow(mapped[i].Y - mapped[j].Y, 2)), 6);
    }
}

/// <summary>Access to the report builder's relevance ranking.</summary>
internal static class Report
{
    public static int[] ReportRelevance(float[] row, double[] pw, double lambda, int n) => ReportDataBuilder.TopByRelevance(row, pw, lambda, n);
}
