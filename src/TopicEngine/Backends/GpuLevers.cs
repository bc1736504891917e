namespace TopicEngine.Backends;

/// <summary>
/// Performance levers of <see cref="GpuBackend"/> (issue 16, item 8), each off by default until a GPU run has timed it
/// (<c>benchmarks/gpu-first-run.sh</c> benches each one on and off). Each keeps the backend's results: the statistics and
/// the unrolled loops are bit-identical to the default path, the one-stream chunks bit-identical to one chunk.
/// </summary>
/// <param name="TermStatistics">Statistics without 64-bit atomics: the host transposes each chunk by term while staging
/// it, and one thread per (term, topic) adds the term's fixed-point terms in document order
/// (<c>TermStatisticsKernels</c>).</param>
/// <param name="OneStreamChunks">A batch's chunks are staged, uploaded, computed and downloaded on one stream, chunk c + 1
/// queued without the host waiting for chunk c; the host waits once per batch (whole-batch page-locked staging).</param>
/// <param name="UnrolledTopicLoops">The φnorm loop over K of the E-step and statistics kernels unrolled 4-way
/// (<c>DeviceMath.LaneDot</c>; same sum order).</param>
internal sealed record GpuLevers(bool TermStatistics = false, bool OneStreamChunks = false, bool UnrolledTopicLoops = false)
{
    /// <summary>Environment variable read by <see cref="FromEnvironment"/>: a comma-separated list of
    /// <c>term-statistics</c>, <c>one-stream</c>, <c>unroll</c>, or <c>all</c> / <c>none</c>.</summary>
    public const string EnvironmentVariable = "TOPICENGINE_GPU_LEVERS";

    /// <summary>All levers off: the path every test and RESULTS figure before item 8 used.</summary>
    public static GpuLevers None { get; } = new();

    /// <summary>Every lever on.</summary>
    public static GpuLevers All { get; } = new(true, true, true);

    /// <summary>The levers <see cref="EnvironmentVariable"/> names (for timing them on a GPU without a public option).</summary>
    /// <exception cref="TopicEngineException">The variable names an unknown lever.</exception>
    public static GpuLevers FromEnvironment() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>Parses a lever list as <see cref="EnvironmentVariable"/> holds it; null or empty gives <see cref="None"/>.</summary>
    /// <exception cref="TopicEngineException">An unknown lever.</exception>
    public static GpuLevers Parse(string? list)
    {
        var levers = None;
        if (string.IsNullOrWhiteSpace(list)) return levers;
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            levers = name.ToLowerInvariant() switch
            {
                "term-statistics" => levers with { TermStatistics = true },
                "one-stream" => levers with { OneStreamChunks = true },
                "unroll" => levers with { UnrolledTopicLoops = true },
                "all" => All,
                "none" => levers,
                _ => throw new TopicEngineException(
                    $"{EnvironmentVariable}: unknown GPU lever '{name}'; use term-statistics, one-stream, unroll, all or none"),
            };
        }
        return levers;
    }

    /// <summary>The levers on, as <see cref="Parse"/> reads them ("none" when all are off).</summary>
    public override string ToString()
    {
        var on = new List<string>(3);
        if (TermStatistics) on.Add("term-statistics");
        if (OneStreamChunks) on.Add("one-stream");
        if (UnrolledTopicLoops) on.Add("unroll");
        return on.Count == 0 ? "none" : string.Join(',', on);
    }
}
