using System.Text.Json.Serialization;
using TopicEngine.Corpus;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Model;

namespace TopicEngine;

/// <summary>
/// Everything report.html shows, computed in C# and embedded as JSON: the intertopic map (Jensen–Shannon divergences,
/// classical scaling), prevalence, every topic's candidate terms for the relevance slider, example documents, the
/// training curve and per-topic coherence.
/// </summary>
internal sealed record ReportData
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("topics_count")] public required int TopicsCount { get; init; }
    [JsonPropertyName("vocabulary_size")] public required int VocabularySize { get; init; }
    [JsonPropertyName("documents_seen")] public required long DocumentsSeen { get; init; }
    [JsonPropertyName("total_tokens")] public required double TotalTokens { get; init; }
    [JsonPropertyName("prevalence_source")] public required string PrevalenceSource { get; init; }
    [JsonPropertyName("lambda_default")] public required double LambdaDefault { get; init; }
    [JsonPropertyName("terms")] public required IReadOnlyList<string> Terms { get; init; }
    /// <summary>log p(w) of each entry of <see cref="Terms"/> (the corpus frequency).</summary>
    [JsonPropertyName("term_log_p")] public required IReadOnlyList<double> TermLogP { get; init; }
    /// <summary>Corpus count of each entry of <see cref="Terms"/>.</summary>
    [JsonPropertyName("term_count")] public required IReadOnlyList<double> TermCount { get; init; }
    [JsonPropertyName("topics")] public required IReadOnlyList<ReportTopic> Topics { get; init; }
    [JsonPropertyName("curve")] public required ReportCurve Curve { get; init; }
    [JsonPropertyName("examples_note")] public required string ExamplesNote { get; init; }
    [JsonPropertyName("evaluation_source")] public string? EvaluationSource { get; init; }
    [JsonPropertyName("evaluation_columns")] public IReadOnlyList<string> EvaluationColumns { get; init; } = [];
}

/// <summary>One topic of the report.</summary>
internal sealed record ReportTopic(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("x")] double X,
    [property: JsonPropertyName("y")] double Y,
    [property: JsonPropertyName("prevalence")] double Prevalence,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("term_index")] IReadOnlyList<int> TermIndex,
    [property: JsonPropertyName("log_p")] IReadOnlyList<double> LogP,
    [property: JsonPropertyName("examples")] IReadOnlyList<ReportExample> Examples,
    [property: JsonPropertyName("coherence")] IReadOnlyList<double?> Coherence);

/// <summary>An example document: its key, its share of the topic, and its first words when the text was given.</summary>
internal sealed record ReportExample(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("theta")] double Theta,
    [property: JsonPropertyName("text")] string? Text);

/// <summary>The training curve: per logged step, and held-out perplexity per pass.</summary>
internal sealed record ReportCurve(
    [property: JsonPropertyName("docs")] IReadOnlyList<long> Docs,
    [property: JsonPropertyName("elbo")] IReadOnlyList<double?> Elbo,
    [property: JsonPropertyName("perplexity")] IReadOnlyList<double?> Perplexity,
    [property: JsonPropertyName("held_out_docs")] IReadOnlyList<long> HeldOutDocs,
    [property: JsonPropertyName("held_out_perplexity")] IReadOnlyList<double?> HeldOutPerplexity);

/// <summary>Builds <see cref="ReportData"/> from a model directory.</summary>
internal static class ReportDataBuilder
{
    /// <summary>Terms kept per topic for every λ of the grid 0, 0.1, …, 1 (their union is what the slider ranks).</summary>
    public const int TermsPerLambda = 30;

    public static async Task<ReportData> BuildAsync(string modelDirectory, ReportOptions options, CancellationToken cancellationToken)
    {
        var snapshot = await ModelDirectory.LoadAsync(modelDirectory, cancellationToken);
        int k = snapshot.Topics, v = snapshot.VocabularySize;
        var beta = LdaMath.ExpectedTopicWord(snapshot.Lambda, v, k);   // K×V topic-major, rows sum to 1

        // prevalence: Σ_d θ_dk · N_d over doc_topics.parquet (LDAvis weights documents by length), else λ's mass beyond η
        var prevalence = new double[k];
        string prevalenceSource;
        var examples = new List<(string Key, double Theta)>[k];
        for (int t = 0; t < k; t++) examples[t] = [];
        double docTokens = 0;
        if (ModelDirectory.DocTopicsPath(modelDirectory) is { } docTopics)
        {
            await foreach (var row in DocTopicsFile.ReadAsync(docTopics, k, cancellationToken))
            {
                docTokens += row.TokenCount;
                for (int t = 0; t < k; t++)
                {
                    prevalence[t] += row.Theta[t] * row.TokenCount;
                    Offer(examples[t], row.DocKey, row.Theta[t], options.ExamplesPerTopic);
                }
            }
            prevalenceSource = "doc_topics.parquet (Σ θ × tokens)";
        }
        else prevalenceSource = "λ (expected tokens per topic)";
        if (!(prevalence.Sum() > 0))
        {
            for (int w = 0; w < v; w++)
                for (int t = 0; t < k; t++) prevalence[t] += Math.Max(0, snapshot.Lambda[w * k + t] - snapshot.Eta);
            prevalenceSource = "λ (expected tokens per topic)";
        }
        double prevalenceTotal = prevalence.Sum();
        for (int t = 0; t < k; t++) prevalence[t] = prevalenceTotal > 0 ? prevalence[t] / prevalenceTotal : 1.0 / k;

        // p(w): the corpus frequency (cf), else the model's marginal Σ_k p(w|k) p(k)
        var corpusCount = new double[v];
        for (int w = 0; w < v; w++) corpusCount[w] = snapshot.Vocabulary.CollectionFrequency(w);
        double cfTotal = corpusCount.Sum();
        var pw = new double[v];
        if (cfTotal > 0)
            for (int w = 0; w < v; w++) pw[w] = Math.Max(corpusCount[w], 0.5) / cfTotal;
        else
        {
            for (int t = 0; t < k; t++)
                for (int w = 0; w < v; w++) pw[w] += beta[t * v + w] * prevalence[t];
            double tokens = docTokens > 0 ? docTokens : snapshot.DocumentsSeen;
            for (int w = 0; w < v; w++) corpusCount[w] = pw[w] * tokens;
        }
        double totalTokens = cfTotal > 0 ? cfTotal : docTokens;

        // candidate terms: the top terms by relevance for every λ on a 0.1 grid (Sievert & Shirley 2014)
        var used = new Dictionary<int, int>();
        var topicTerms = new List<int>[k];
        for (int t = 0; t < k; t++)
        {
            var row = beta.AsSpan(t * v, v);
            var set = new HashSet<int>();
            for (int step = 0; step <= 10; step++)
            {
                double lambda = step / 10.0;
                foreach (int w in TopByRelevance(row, pw, lambda, Math.Min(TermsPerLambda, v))) set.Add(w);
            }
            int offset = t * v;
            topicTerms[t] = [.. set.OrderBy(w => -beta[offset + w])];
            foreach (int w in topicTerms[t]) if (!used.ContainsKey(w)) used[w] = used.Count;
        }
        var usedTerms = used.OrderBy(p => p.Value).Select(p => p.Key).ToArray();

        var map = IntertopicMap.ClassicalScaling(IntertopicMap.JensenShannon(beta, k, v));
        var evaluation = await ReadEvaluationAsync(modelDirectory, options, k, cancellationToken);
        var texts = options.Input is { } input ? FirstWords(input, examples, options.FirstWords, cancellationToken) : null;

        var topics = new ReportTopic[k];
        for (int t = 0; t < k; t++)
        {
            int offset = t * v;
            var terms = topicTerms[t];
            string label = string.Join(" ", terms.Take(3).Select(w => snapshot.Vocabulary.Term(w)));
            var logP = terms.Select(w => Math.Log(Math.Max(beta[offset + w], 1e-30))).ToArray();
            var docs = examples[t].OrderByDescending(e => e.Theta).ThenBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => new ReportExample(e.Key, e.Theta, texts is null ? null : texts.GetValueOrDefault(e.Key))).ToArray();
            topics[t] = new ReportTopic(t, Finite(map[t].X), Finite(map[t].Y), prevalence[t], label,
                [.. terms.Select(w => used[w])], logP, docs, evaluation?.Table.PerTopic[t] ?? []);
        }

        var curve = TrainingCurve.From(snapshot);
        string examplesNote = ModelDirectory.DocTopicsPath(modelDirectory) is null
            ? "This model has no doc_topics.parquet, so there are no example documents."
            : options.Input is null
                ? "Document keys only: give the corpus with --input (as to fit) to see each document's first words."
                : texts!.Count == 0 ? "The input given holds none of these documents' keys (or no text), so only the keys are shown." : "";
        return new ReportData
        {
            Model = Path.GetFullPath(modelDirectory), TopicsCount = k, VocabularySize = v, DocumentsSeen = snapshot.DocumentsSeen,
            TotalTokens = totalTokens, PrevalenceSource = prevalenceSource, LambdaDefault = options.Lambda,
            Terms = [.. usedTerms.Select(w => snapshot.Vocabulary.Term(w))],
            TermLogP = [.. usedTerms.Select(w => Math.Log(pw[w]))],
            TermCount = [.. usedTerms.Select(w => corpusCount[w])],
            Topics = topics,
            Curve = new ReportCurve([.. curve.Steps.Select(s => s.DocumentsSeen)], [.. curve.Steps.Select(s => Nullable(s.ElboPerWord))],
                [.. curve.Steps.Select(s => Nullable(s.Perplexity))], [.. curve.HeldOut.Select(h => h.DocumentsSeen)],
                [.. curve.HeldOut.Select(h => Nullable(h.Perplexity))]),
            ExamplesNote = examplesNote,
            EvaluationSource = evaluation?.Path,
            EvaluationColumns = evaluation?.Table.Columns ?? [],
        };
    }

    /// <summary>The <paramref name="n"/> terms of largest relevance r = λ log p(w|k) + (1 − λ) log(p(w|k) / p(w)).</summary>
    internal static int[] TopByRelevance(ReadOnlySpan<float> row, double[] pw, double lambda, int n)
    {
        var top = new List<(double R, int W)>(n + 1);
        for (int w = 0; w < row.Length; w++)
        {
            double p = row[w];
            if (!(p > 0)) continue;
            double r = lambda * Math.Log(p) + (1 - lambda) * Math.Log(p / pw[w]);
            if (top.Count == n && r <= top[^1].R) continue;
            int at = top.Count;
            while (at > 0 && top[at - 1].R < r) at--;
            top.Insert(at, (r, w));
            if (top.Count > n) top.RemoveAt(n);
        }
        return [.. top.Select(x => x.W)];
    }

    private static void Offer(List<(string Key, double Theta)> best, string key, double theta, int n)
    {
        if (n <= 0) return;
        if (best.Count < n) { best.Add((key, theta)); return; }
        int min = 0;
        for (int i = 1; i < best.Count; i++) if (best[i].Theta < best[min].Theta) min = i;
        if (theta > best[min].Theta) best[min] = (key, theta);
    }

    private static async Task<(string Path, EvaluationTable Table)?> ReadEvaluationAsync(string modelDirectory, ReportOptions options, int k,
        CancellationToken cancellationToken)
    {
        string? path = options.EvaluationFile;
        if (path is null)
            foreach (var candidate in new[] { Path.Combine(ModelDirectory.ResolveFiles(modelDirectory), ReportOptions.EvaluationFileName),
                         Path.Combine(modelDirectory, ReportOptions.EvaluationFileName) })
                if (File.Exists(candidate)) { path = candidate; break; }
        if (path is null) return null;
        var table = await EvaluationTable.ReadAsync(path, k, cancellationToken);
        return table is null ? null : (Path.GetFullPath(path), table);
    }

    /// <summary>The first words of the example documents, read from the corpus input by key.</summary>
    private static Dictionary<string, string> FirstWords(CorpusInput input, List<(string Key, double Theta)>[] examples, int words,
        CancellationToken cancellationToken)
    {
        var wanted = examples.SelectMany(e => e.Select(x => x.Key)).ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var report = new ReadReport();
        foreach (var source in input.OpenSources())
            foreach (var document in source.Read(report))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (document.Text is null || !wanted.Contains(document.Key) || found.ContainsKey(document.Key)) continue;
                var first = document.Text.Split((char[]?)null, words + 1, StringSplitOptions.RemoveEmptyEntries);
                found[document.Key] = string.Join(' ', first.Take(words)) + (first.Length > words ? " …" : "");
                if (found.Count == wanted.Count) return found;
            }
        return found;
    }

    private static double Finite(double x) => double.IsFinite(x) ? x : 0;

    private static double? Nullable(double x) => double.IsFinite(x) ? x : null;
}
