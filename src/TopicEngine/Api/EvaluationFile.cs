using Parquet.Schema;
using TopicEngine.Storage;

namespace TopicEngine;

/// <summary>
/// <c>evaluation.parquet</c> (<c>evaluate --out</c>): one row per topic, then one row of averages. Columns:
/// <c>row</c> string (<c>topic</c> or <c>mean</c>), <c>topic_id</c> int32 (null on the mean row), <c>top_terms</c> string
/// (the scored top words, space-separated, most probable first), <c>umass</c>, <c>npmi</c>, <c>c_v</c> double,
/// <c>missing_terms</c> int32 (top words absent from the reference), <c>diversity</c> and <c>perplexity</c> double (mean row
/// only; perplexity NaN when not computed), <c>reference</c> string and <c>sliding_windows</c> boolean (how coherence was
/// counted), <c>top_n</c> int32.
/// </summary>
internal static class EvaluationFile
{
    public const string FileName = "evaluation.parquet";

    public static Task WriteAsync(string path, EvaluationResult result, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            var row = new DataField<string>("row", nullable: false);
            var topic = new DataField<int?>("topic_id");
            var terms = new DataField<string>("top_terms", nullable: true);
            var umass = new DataField<double>("umass");
            var npmi = new DataField<double>("npmi");
            var cv = new DataField<double>("c_v");
            var missing = new DataField<int>("missing_terms");
            var diversity = new DataField<double?>("diversity");
            var perplexity = new DataField<double?>("perplexity");
            var reference = new DataField<string>("reference", nullable: false);
            var windows = new DataField<bool>("sliding_windows");
            var topN = new DataField<int>("top_n");
            var schema = new ParquetSchema(row, topic, terms, umass, npmi, cv, missing, diversity, perplexity, reference, windows, topN);
            var scores = result.TopicScores;
            int rows = scores.Count + 1;
            await using var writer = await Parquet.ParquetWriter.CreateAsync(schema, stream, ParquetColumns.Options(), cancellationToken: ct);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(row, [.. scores.Select(_ => "topic"), "mean"], null);
            await group.WriteAsync<int>(topic, scores.Select(s => (int?)s.TopicId).Append(null).ToArray(), cancellationToken: ct);
            await group.WriteAsync(terms, [.. scores.Select(s => string.Join(' ', s.TopTerms)), null], null);
            await group.WriteAsync<double>(umass, scores.Select(s => s.UMass).Append(result.UMass).ToArray(), cancellationToken: ct);
            await group.WriteAsync<double>(npmi, scores.Select(s => s.Npmi).Append(result.Npmi).ToArray(), cancellationToken: ct);
            await group.WriteAsync<double>(cv, scores.Select(s => s.Cv).Append(result.Cv).ToArray(), cancellationToken: ct);
            await group.WriteAsync<int>(missing, scores.Select(s => s.MissingTerms).Append(scores.Sum(s => s.MissingTerms)).ToArray(), cancellationToken: ct);
            await group.WriteAsync<double>(diversity, scores.Select(_ => (double?)null).Append(result.Diversity).ToArray(), cancellationToken: ct);
            await group.WriteAsync<double>(perplexity, scores.Select(_ => (double?)null).Append(result.Perplexity).ToArray(), cancellationToken: ct);
            await group.WriteAsync(reference, Enumerable.Repeat(result.Reference, rows).ToArray(), null);
            await group.WriteAsync<bool>(windows, Enumerable.Repeat(result.SlidingWindows, rows).ToArray(), cancellationToken: ct);
            await group.WriteAsync<int>(topN, Enumerable.Repeat(result.NpmiTop, rows).ToArray(), cancellationToken: ct);
        }, cancellationToken);
}
