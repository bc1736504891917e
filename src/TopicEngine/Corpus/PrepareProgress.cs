namespace TopicEngine.Corpus;

/// <summary>Where a <see cref="CorpusPreparer"/> run stands: the phase ("analysing", "pruning", "writing") and what it has done so far.</summary>
public readonly record struct PrepareProgress(string Phase, long Documents, long Tokens, TimeSpan Elapsed);

/// <summary>What a <see cref="CorpusPreparer"/> run produced (counts after pruning unless named otherwise).</summary>
internal sealed record PrepareResult(string Directory, CorpusManifest Manifest, TimeSpan Elapsed)
{
    /// <summary>Tokens analysed (before pruning) per second of the whole run.</summary>
    public double TokensPerSecond => Manifest.TokensBeforePruning / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>The first few records skipped under <c>--on-error skip</c>, with their reasons.</summary>
    public IReadOnlyList<string> SkipExamples { get; init; } = [];
}
