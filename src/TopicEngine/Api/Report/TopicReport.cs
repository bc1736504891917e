using System.Text.Json;

namespace TopicEngine;

/// <summary>What <see cref="TopicReport.WriteAsync"/> puts in the report (<c>topic-engine report</c>'s flags).</summary>
public sealed record ReportOptions
{
    /// <summary>The file name looked for in the model directory when <see cref="EvaluationFile"/> is not given.</summary>
    public const string EvaluationFileName = "evaluation.parquet";

    /// <summary>The corpus the model was fitted on (<c>--input</c>, as given to fit), read to show the example documents'
    /// first words; null shows their keys only.</summary>
    public CorpusInput? Input { get; init; }

    /// <summary>Per-topic coherence to show (<c>--evaluation</c>): a Parquet file with a <c>topic_id</c> column; null looks
    /// for <see cref="EvaluationFileName"/> in the model directory and shows none when it is absent.</summary>
    public string? EvaluationFile { get; init; }

    /// <summary>Example documents per topic, those with the highest θ (<c>--examples</c>). Default 5.</summary>
    public int ExamplesPerTopic { get; init; } = 5;

    /// <summary>Words shown of each example document. Default 30.</summary>
    public int FirstWords { get; init; } = 30;

    /// <summary>The relevance slider's starting λ (<c>--lambda</c>); 0.6 is what Sievert &amp; Shirley's user study found best. Default 0.6.</summary>
    public double Lambda { get; init; } = 0.6;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag when a setting is out of range.</summary>
    public void Validate()
    {
        if (ExamplesPerTopic < 0) throw new TopicEngineException($"--examples must not be negative, not {ExamplesPerTopic}");
        if (FirstWords < 1) throw new TopicEngineException($"the words shown per example must be at least 1, not {FirstWords}");
        if (!(Lambda >= 0 && Lambda <= 1)) throw new TopicEngineException($"--lambda must be in [0, 1], not {Lambda}");
        if (EvaluationFile is not null && !File.Exists(EvaluationFile)) throw new TopicEngineException($"{EvaluationFile}: file is missing");
        if (Input is not null && Input.PreparedDirectory is not null)
            throw new TopicEngineException("the report needs the documents' text: give --input (raw files), not a prepared corpus");
    }
}

/// <summary>
/// Writes one self-contained HTML page about a fitted model (inline script and style, no network at view time): the
/// intertopic distance map (LDAvis: topics placed by classical scaling of their Jensen–Shannon divergences, sized by
/// prevalence), the selected topic's terms ranked by relevance with a λ slider and bars for the term's count in the topic
/// against the corpus, topic prevalence, the training curve, example documents and per-topic coherence when an
/// evaluation exists.
/// </summary>
public static class TopicReport
{
    /// <summary>Writes the report of <paramref name="modelDirectory"/> to <paramref name="outputPath"/> (atomically).</summary>
    /// <returns>The number of topics in the report.</returns>
    /// <exception cref="TopicEngineException">A missing or damaged model or evaluation file, or bad options.</exception>
    public static async Task<int> WriteAsync(string modelDirectory, string outputPath, ReportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        ArgumentNullException.ThrowIfNull(outputPath);
        options ??= new ReportOptions();
        options.Validate();
        var data = await ReportDataBuilder.BuildAsync(modelDirectory, options, cancellationToken);
        string html = Render(data);
        string full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await Storage.AtomicFile.WriteAsync(full, async (stream, ct) =>
        {
            await using var writer = new StreamWriter(stream, leaveOpen: true);
            await writer.WriteAsync(html.AsMemory(), ct);
        }, cancellationToken);
        return data.TopicsCount;
    }

    /// <summary>The page: the template with the data as JSON (System.Text.Json escapes &lt;, &gt; and &amp;, so the
    /// script element cannot be closed early).</summary>
    internal static string Render(ReportData data)
    {
        using var stream = typeof(TopicReport).Assembly.GetManifestResourceStream("TopicEngine.Report.report.html")
            ?? throw new InvalidOperationException("the report template is not embedded");
        using var reader = new StreamReader(stream);
        string template = reader.ReadToEnd();
        string json = JsonSerializer.Serialize(data);
        return template.Replace("\"__REPORT_DATA__\"", json, StringComparison.Ordinal);
    }
}
