namespace TopicEngine;

/// <summary>What a fit (<see cref="TopicTrainer.FitCorpusAsync"/>) did.</summary>
public record TrainingReport
{
    /// <summary>The model directory written (full path).</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>The backend that trained ("cpu", "cuda", …).</summary>
    public required string Backend { get; init; }

    /// <summary>Documents trained on (held-out ones excluded).</summary>
    public required int TrainingDocuments { get; init; }

    /// <summary>Documents held out for the perplexity.</summary>
    public required int HeldOutDocuments { get; init; }

    /// <summary>Tokens of the training documents.</summary>
    public required long TrainingTokens { get; init; }

    /// <summary>Passes completed (all runs together, for a resumed fit).</summary>
    public required int Passes { get; init; }

    /// <summary>Global steps done, t.</summary>
    public required long Steps { get; init; }

    /// <summary>Training seconds (all runs together, for a resumed fit).</summary>
    public required double TrainingSeconds { get; init; }

    /// <summary>Document-completion perplexity of the held-out documents after the last pass; null when none were held out.</summary>
    public double? HeldOutPerplexity { get; init; }

    /// <summary>Every topic with its most probable terms (<see cref="TopicTrainerOptions.ReportTerms"/> of them), by E[β].</summary>
    public required IReadOnlyList<Topic> Topics { get; init; }

    /// <summary>Training tokens per training second, passes counted.</summary>
    public double TokensPerSecond => TrainingTokens * (double)Passes / Math.Max(TrainingSeconds, 1e-9);
}

/// <summary>What an update (<see cref="TopicTrainer.UpdateAsync"/>) did, besides the fields of a fit (whose counts are the
/// update's: its training documents, passes and step counter continuing the model's).</summary>
public sealed record UpdateReport : TrainingReport
{
    /// <summary>An empty report (set every required property).</summary>
    public UpdateReport() { }

    /// <summary>The fit fields of <paramref name="training"/>; the update's own fields are set by the caller.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    internal UpdateReport(TrainingReport training) : base(training) { }

    /// <summary>New documents read (held-out ones included).</summary>
    public required int NewDocuments { get; init; }

    /// <summary>Tokens of the new documents that the (grown) vocabulary knows.</summary>
    public required long NewTokens { get; init; }

    /// <summary>Terms appended to the vocabulary (<see cref="UpdateOptions.GrowVocabulary"/>).</summary>
    public required int NewTerms { get; init; }

    /// <summary>D after the update: the model's documents plus the new training documents.</summary>
    public required long CorpusDocuments { get; init; }

    /// <summary>The model's step counter t before the update.</summary>
    public required long StepsBefore { get; init; }

    /// <summary>Analysing and counting the new documents.</summary>
    public required TimeSpan CountingTime { get; init; }

    /// <summary>New rows and SVI steps.</summary>
    public required TimeSpan TrainingTime { get; init; }

    /// <summary>Everything, saving included.</summary>
    public required TimeSpan TotalTime { get; init; }

    /// <summary>What the readers read and skipped in the new documents: documents per type, skips per reason, attachments.</summary>
    public ReadingSummary Reading { get; init; } = new();
}

/// <summary>How <see cref="TopicTrainer.UpdateAsync"/> folds new documents into a model (<c>topic-engine update</c>'s flags;
/// K, κ, τ0, α and η are the model's, the passes, local step, held-out share, seed, threads and logging are
/// <see cref="TopicTrainerOptions.Training"/>'s).</summary>
public sealed record UpdateOptions
{
    /// <summary>Where to write the updated model (<c>--out</c>); null replaces the model in place, atomically.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Documents per mini-batch (<c>--batch-size</c>); null takes the model's.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Add the new terms that pass <see cref="TopicTrainerOptions.Pruning"/> in the new documents (<c>--grow-vocab</c>).</summary>
    public bool GrowVocabulary { get; init; }
}
