using System.CommandLine;

namespace TopicEngine.Cli.Commands;

/// <summary>The topic-field flags <c>index</c> and <c>annotate</c> share; each maps to one property of
/// <see cref="TopicEnricherOptions"/> or <see cref="TopicIndexOptions"/>, whose defaults they show.</summary>
internal sealed class EnrichmentFlags
{
    private static readonly TopicEnricherOptions Defaults = new();

    public Option<string> Model { get; } = new("--model", "-m") { Description = "Model directory (from fit).", Required = true };
    public Option<string> Index { get; } = new("--index") { Description = "Lucene index folder.", Required = true };
    public Option<string> Prefix { get; } = new("--prefix") { Description = "Prefix of the topic fields (PREFIX_dominant, PREFIX_above, PREFIX_theta, PREFIX_model).", DefaultValueFactory = _ => Defaults.TargetPrefix };
    public Option<float> Threshold { get; } = new("--threshold") { Description = "A topic goes into PREFIX_above when its share θ is at least this (the dominant one always).", DefaultValueFactory = _ => Defaults.Threshold };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Documents inferred together.", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<int> Threads { get; } = new("--threads") { Description = "Inference threads (0 = all cores).", DefaultValueFactory = _ => new InferenceOptions().Threads };
    public Option<string> OnFailure { get; } = new("--on-failure") { Description = "A document without text: fail (stop) or skip (index it without topic fields and count it).", DefaultValueFactory = _ => "fail" };

    public EnrichmentFlags() => OnFailure.AcceptOnlyFromAmong("fail", "skip");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Index, Prefix, Threshold, BatchSize, Threads, OnFailure })
            command.Add(option);
    }

    public TopicEnricherOptions Enricher(ParseResult parseResult, IReadOnlyList<string>? sourceFields = null) => Defaults with
    {
        SourceFields = sourceFields ?? Defaults.SourceFields,
        TargetPrefix = parseResult.GetValue(Prefix)!,
        Threshold = parseResult.GetValue(Threshold),
        BatchSize = parseResult.GetValue(BatchSize),
        FailurePolicy = parseResult.GetValue(OnFailure) == "skip" ? EnrichmentFailurePolicy.Skip : EnrichmentFailurePolicy.Fail,
    };

    public Task<TopicModel> LoadModelAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var settings = new InferenceOptions { Threads = parseResult.GetValue(Threads) };
        settings.Validate();
        return TopicModel.LoadAsync(parseResult.GetValue(Model)!, settings, cancellationToken);
    }

    /// <summary>The closing lines of index and annotate.</summary>
    public static void Describe(TopicIndexReport r)
    {
        if (r.ModelStamp.Length > 0) Console.WriteLine($"model: {r.ModelStamp}");
        if (r.Skipped > 0) Console.Error.WriteLine($"skipped {r.Skipped:N0} documents without text (indexed without topic fields)");
        if (r.UnstoredFields.Count > 0)
            Console.Error.WriteLine($"warning: indexed fields that no document stores lost their terms when documents were re-added: {string.Join(", ", r.UnstoredFields)}");
        Console.WriteLine($"index: {r.IndexDirectory}");
    }
}
