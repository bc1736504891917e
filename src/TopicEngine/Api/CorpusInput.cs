using TopicEngine.Corpus;
using TopicEngine.Text;

namespace TopicEngine;

/// <summary>
/// Where a command's documents come from (<c>--input</c>, <c>--format</c>, the reader flags, or <c>--corpus</c>): raw
/// input files and folders read with <see cref="Reader"/>, a folder written by <see cref="TopicCorpus.PrepareAsync"/>, or,
/// when neither is given, the embedded default corpus (the .NET API reference that ships with the SDK). Immutable.
/// </summary>
public sealed record CorpusInput
{
    /// <summary>Input files or folders (<c>--input</c>, repeatable); the format of each is detected from its name unless
    /// <see cref="Format"/> says otherwise. Empty (and no <see cref="PreparedDirectory"/>): the embedded default corpus.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>The input format (<c>--format</c>); <see cref="CorpusFormat.Auto"/> detects it per path.</summary>
    public CorpusFormat Format { get; init; } = CorpusFormat.Auto;

    /// <summary>How records are read (<c>--text-field</c>, <c>--id-field</c>, <c>--on-error</c>, <c>--encoding</c>).</summary>
    public ReaderOptions Reader { get; init; } = new();

    /// <summary>A prepared corpus folder (<c>--corpus</c>) instead of <see cref="Paths"/>.</summary>
    public string? PreparedDirectory { get; init; }

    /// <summary>Raw input files or folders.</summary>
    public static CorpusInput FromPaths(IEnumerable<string> paths, CorpusFormat format = CorpusFormat.Auto, ReaderOptions? reader = null) =>
        new() { Paths = [.. paths], Format = format, Reader = reader ?? new ReaderOptions() };

    /// <summary>A folder written by <see cref="TopicCorpus.PrepareAsync"/> (or <c>topic-engine prepare</c>).</summary>
    public static CorpusInput FromPrepared(string directory) => new() { PreparedDirectory = directory };

    /// <summary>True when <paramref name="path"/> is a folder written by <see cref="TopicCorpus.PrepareAsync"/>.</summary>
    public static bool IsPreparedFolder(string path) => Storage.VersionedDirectory.Holds(path, CorpusManifest.FileName);

    /// <summary>The embedded default corpus.</summary>
    public static CorpusInput EmbeddedDefault { get; } = new();

    /// <summary>True when neither paths nor a prepared folder are given: the embedded default corpus.</summary>
    public bool IsEmbeddedDefault => PreparedDirectory is null && Paths.Count == 0 && Sources is null;

    /// <summary>Readers given directly by the library (documents in memory), instead of <see cref="Paths"/>.</summary>
    internal IReadOnlyList<CorpusSource>? Sources { get; init; }

    /// <summary>The <c>--format</c> values.</summary>
    public static string FormatNames => CorpusSources.FormatNames;

    /// <summary>Parses a <c>--format</c> value.</summary>
    /// <exception cref="TopicEngineException">An unknown format, named.</exception>
    public static CorpusFormat ParseFormat(string value) => CorpusSources.ParseFormat(value);

    /// <summary>The stop words added for the embedded default corpus: documentation boilerplate ("summary", "returns", …).</summary>
    public static IReadOnlyList<string> DefaultCorpusStopWords => DefaultCorpus.BoilerplateStopWords;

    /// <summary>One line saying what the embedded default corpus is and where it was found.</summary>
    /// <exception cref="TopicEngineException">No .NET SDK reference pack was found.</exception>
    public static string DescribeEmbeddedDefault() => DefaultCorpus.Locate().Describe();

    /// <summary>The analyzer settings to read this input with: <paramref name="analyzer"/>, with the default corpus's
    /// boilerplate added to the stop words when this is the embedded default.</summary>
    public AnalyzerSettings AnalyzerFor(AnalyzerSettings analyzer) =>
        IsEmbeddedDefault ? analyzer with { ExtraStopWords = [.. analyzer.ExtraStopWords, .. DefaultCorpus.BoilerplateStopWords] } : analyzer;

    /// <summary>The readers of the raw input (the embedded default when no path is given).</summary>
    internal IReadOnlyList<CorpusSource> OpenSources()
    {
        if (PreparedDirectory is not null) throw new InvalidOperationException("a prepared corpus has no raw sources.");
        return Sources ?? (IsEmbeddedDefault ? [DefaultCorpus.Locate()] : CorpusSources.Open(Paths, Format, Reader));
    }
}
