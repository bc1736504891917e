namespace TopicEngine;

/// <summary>One fit of a sweep: a K, a seed, where the model was written, and its scores.</summary>
/// <param name="Topics">K.</param>
/// <param name="Seed">The fit's seed (λ's random start).</param>
/// <param name="ModelDirectory">The fitted model (kept under the sweep's output folder).</param>
/// <param name="TrainingSeconds">Seconds of SVI training.</param>
/// <param name="Evaluation">The fit scored on the sweep's test documents.</param>
/// <param name="Stability">Mean best-match cosine of this fit's topics against each other seed's fit of the same K
/// (NaN with one seed).</param>
public sealed record SweepFit(int Topics, int Seed, string ModelDirectory, double TrainingSeconds, EvaluationResult Evaluation, double Stability)
{
    /// <summary>The value of <paramref name="metric"/> for this fit.</summary>
    public double Value(SweepMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.Read(Evaluation);
    }
}

/// <summary>One K of a sweep: its fits' scores averaged over seeds.</summary>
/// <param name="Topics">K.</param>
/// <param name="Means">The mean of every <see cref="SweepMetric.All"/> metric over the seeds, in that order.</param>
/// <param name="StandardDeviations">Their sample standard deviations over the seeds (0 with one seed).</param>
/// <param name="Stability">Mean best-match cosine over every pair of seeds (NaN with one seed).</param>
public sealed record SweepSummary(int Topics, IReadOnlyList<double> Means, IReadOnlyList<double> StandardDeviations, double Stability)
{
    /// <summary>The mean of <paramref name="metric"/> over the seeds.</summary>
    public double Mean(SweepMetric metric)
    {
        int i = SweepMetricIndex(metric);
        return Means[i];
    }

    internal static int SweepMetricIndex(SweepMetric metric)
    {
        for (int i = 0; i < SweepMetric.All.Count; i++)
            if (SweepMetric.All[i].Column == metric.Column) return i;
        throw new ArgumentException($"unknown sweep metric {metric.Column}", nameof(metric));
    }
}

/// <summary>What <see cref="TopicSweep.RunAsync"/> produced.</summary>
public sealed record SweepResult
{
    /// <summary>Every fit, by K then seed.</summary>
    public required IReadOnlyList<SweepFit> Fits { get; init; }

    /// <summary>Every K, in the order given.</summary>
    public required IReadOnlyList<SweepSummary> Summaries { get; init; }

    /// <summary>The recommended K.</summary>
    public required int RecommendedTopics { get; init; }

    /// <summary>Why that K: the rule applied and the numbers it compared.</summary>
    public required string Reason { get; init; }

    /// <summary>Training documents (the corpus less the test documents).</summary>
    public required int TrainingDocuments { get; init; }

    /// <summary>Documents scored for perplexity.</summary>
    public required int TestDocuments { get; init; }

    /// <summary>sweep.parquet's path.</summary>
    public required string ParquetPath { get; init; }
}

/// <summary>Progress of a sweep: which fit runs, and that fit's own progress.</summary>
/// <param name="Fit">0-based index of the running fit.</param>
/// <param name="Fits">Number of fits (Ks × seeds).</param>
/// <param name="Topics">The running fit's K.</param>
/// <param name="Seed">The running fit's seed.</param>
/// <param name="Stage">What the fit is doing: <c>training</c>, <c>evaluating</c> or <c>done</c>.</param>
/// <param name="Training">The latest training report of the running fit (null before its first step).</param>
public sealed record SweepProgress(int Fit, int Fits, int Topics, int Seed, string Stage, Inference.TrainingProgress? Training)
{
    /// <summary>Fraction of the whole sweep done, in [0, 1]: finished fits plus the running fit's share of its
    /// <paramref name="passes"/> (a fit being evaluated counts as trained).</summary>
    public double Fraction(int passes)
    {
        double inFit = Stage != "training" ? 1 : Training is { } p && p.BatchesPerPass > 0
            ? Math.Min(1, ((p.Pass - 1) + p.BatchInPass / (double)p.BatchesPerPass) / Math.Max(1, passes)) : 0;
        return Math.Min(1, (Fit + inFit) / Math.Max(1, Fits));
    }
}
