namespace TopicEngine;

/// <summary>
/// One score a sweep records for every fit, read from the fit's <see cref="EvaluationResult"/>: its column in
/// sweep.parquet, its label, and which way is better. <see cref="All"/> is the one place that reads
/// <see cref="EvaluationResult"/> for a sweep; add a line there to add a column everywhere (parquet, table, chart).
/// </summary>
/// <param name="Column">The column name in sweep.parquet (snake_case).</param>
/// <param name="Label">A short label for tables and charts.</param>
/// <param name="HigherIsBetter">True when a larger value is better (coherence), false when smaller is (perplexity).</param>
/// <param name="Read">Reads the value from an evaluation.</param>
public sealed record SweepMetric(string Column, string Label, bool HigherIsBetter, Func<EvaluationResult, double> Read)
{
    /// <summary>Document-completion perplexity on the sweep's test documents (lower is better).</summary>
    public static SweepMetric Perplexity { get; } = new("perplexity", "held-out perplexity", false, e => e.Perplexity);

    /// <summary>Mean NPMI of the topics' top words over the reference (training) documents (higher is better).</summary>
    public static SweepMetric Npmi { get; } = new("npmi", "NPMI", true, e => e.Npmi);

    /// <summary>Mean C_V of the topics' top words over the reference documents (higher is better).</summary>
    public static SweepMetric Cv { get; } = new("c_v", "C_V", true, e => e.Cv);

    /// <summary>Mean UMass of the topics' top words over the reference documents (higher, nearer 0, is better).</summary>
    public static SweepMetric UMass { get; } = new("umass", "UMass", true, e => e.UMass);

    /// <summary>Share of distinct words among all topics' top 25 (higher is better).</summary>
    public static SweepMetric Diversity { get; } = new("diversity", "diversity", true, e => e.Diversity);

    /// <summary>Every metric a sweep records, in column order.</summary>
    public static IReadOnlyList<SweepMetric> All { get; } = [Perplexity, Npmi, Cv, UMass, Diversity];
}
