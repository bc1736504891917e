using Parquet;
using Parquet.Schema;
using TopicEngine.Inference;

using TopicEngine.Storage;

namespace TopicEngine.Model;

/// <summary>
/// <c>training_log.parquet</c>: columns <c>step</c> int64, <c>docs_seen</c> int64, <c>rho</c> float,
/// <c>elbo_per_word</c> double, <c>perplexity</c> double, <c>seconds</c> double, <c>backend</c> string —
/// one row per logged global step (<see cref="TrainingLogRow"/>; natural log, perplexity = exp(−elbo_per_word)).
/// </summary>
internal static class TrainingLogFile
{
    public const string FileName = "training_log.parquet";
    private const string Expected = "step int64, docs_seen int64, rho float, elbo_per_word double, perplexity double, seconds double, backend string";

    private static readonly DataField<long> StepField = new("step");
    private static readonly DataField<long> DocsField = new("docs_seen");
    private static readonly DataField<float> RhoField = new("rho");
    private static readonly DataField<double> ElboField = new("elbo_per_word");
    private static readonly DataField<double> PerplexityField = new("perplexity");
    private static readonly DataField<double> SecondsField = new("seconds");
    private static readonly DataField<string> BackendField = new("backend", nullable: false);

    /// <summary>Writes all rows (one row group), atomically.</summary>
    public static Task WriteAsync(string path, IReadOnlyList<TrainingLogRow> rows, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            var schema = new ParquetSchema(StepField, DocsField, RhoField, ElboField, PerplexityField, SecondsField, BackendField);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream, ParquetColumns.Options(), cancellationToken: ct);
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync<long>(StepField, rows.Select(r => r.Step).ToArray(), cancellationToken: ct);
            await rowGroup.WriteAsync<long>(DocsField, rows.Select(r => r.DocumentsSeen).ToArray(), cancellationToken: ct);
            await rowGroup.WriteAsync<float>(RhoField, rows.Select(r => (float)r.Rho).ToArray(), cancellationToken: ct);
            await rowGroup.WriteAsync<double>(ElboField, rows.Select(r => r.ElboPerWord).ToArray(), cancellationToken: ct);
            await rowGroup.WriteAsync<double>(PerplexityField, rows.Select(r => r.Perplexity).ToArray(), cancellationToken: ct);
            await rowGroup.WriteAsync<double>(SecondsField, rows.Select(r => r.Seconds).ToArray(), cancellationToken: ct);
            await rowGroup.WriteAsync(BackendField, rows.Select(r => r.Backend).ToArray(), null);
        }, cancellationToken);

    /// <summary>Reads every row in file order.</summary>
    public static async Task<List<TrainingLogRow>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetColumns.OpenAsync(path, cancellationToken);
        return await ParquetColumns.GuardAsync(path, async () =>
        {
            var step = ParquetColumns.Column<long>(reader, "step", path, Expected);
            var docs = ParquetColumns.Column<long>(reader, "docs_seen", path, Expected);
            var rho = ParquetColumns.Column<float>(reader, "rho", path, Expected);
            var elbo = ParquetColumns.Column<double>(reader, "elbo_per_word", path, Expected);
            var perplexity = ParquetColumns.Column<double>(reader, "perplexity", path, Expected);
            var seconds = ParquetColumns.Column<double>(reader, "seconds", path, Expected);
            var backend = ParquetColumns.Column<string>(reader, "backend", path, Expected);
            var rows = new List<TrainingLogRow>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                var s = await ParquetColumns.ReadColumnAsync<long>(rowGroup, step, path, cancellationToken);
                var d = await ParquetColumns.ReadColumnAsync<long>(rowGroup, docs, path, cancellationToken);
                var r = await ParquetColumns.ReadColumnAsync<float>(rowGroup, rho, path, cancellationToken);
                var e = await ParquetColumns.ReadColumnAsync<double>(rowGroup, elbo, path, cancellationToken);
                var p = await ParquetColumns.ReadColumnAsync<double>(rowGroup, perplexity, path, cancellationToken);
                var t = await ParquetColumns.ReadColumnAsync<double>(rowGroup, seconds, path, cancellationToken);
                var b = new string?[s.Length];
                await rowGroup.ReadAsync(backend, b.AsMemory(), null, cancellationToken);
                for (int i = 0; i < s.Length; i++) rows.Add(new TrainingLogRow(s[i], d[i], r[i], e[i], p[i], t[i], b[i] ?? ""));
            }
            return rows;
        });
    }
}
