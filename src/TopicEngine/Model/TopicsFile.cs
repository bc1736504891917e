using Parquet;
using Parquet.Schema;
using TopicEngine.Text;

using TopicEngine.Storage;

namespace TopicEngine.Model;

/// <summary>
/// <c>topics.parquet</c>: each topic's most probable terms, one row per (topic, rank), sorted by
/// topic then rank. Columns: <c>topic_id</c> int32, <c>rank</c> int32 (1 = most probable),
/// <c>term_id</c> int32, <c>term</c> string, <c>probability</c> float (E[β_kw] = λ_kw / Σ_w λ_kw),
/// <c>lambda</c> float (λ_kw).
/// </summary>
internal static class TopicsFile
{
    public const string FileName = "topics.parquet";
    private const string Expected = "topic_id int32, rank int32, term_id int32, term string, probability float, lambda float";

    /// <summary>Rows per row group at most, in whole topics (a topic longer than this gets a group of its own).</summary>
    internal const int RowsPerGroup = 1 << 20;

    /// <summary>Writes every topic's terms (from <see cref="TopTerms.Compute"/>), atomically, sorted by topic then rank, in
    /// row groups of whole topics up to <see cref="RowsPerGroup"/> rows: the default 50 terms × K topics is one group (a
    /// group per topic, 6 × K column chunks, took 0.1 s at K = 100).</summary>
    public static Task WriteAsync(string path, TopicTerm[][] topics, Vocabulary vocabulary, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            var topicField = new DataField<int>("topic_id");
            var rankField = new DataField<int>("rank");
            var termIdField = new DataField<int>("term_id");
            var termField = new DataField<string>("term", nullable: false);
            var probabilityField = new DataField<float>("probability");
            var lambdaField = new DataField<float>("lambda");
            var schema = new ParquetSchema(topicField, rankField, termIdField, termField, probabilityField, lambdaField);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream, ParquetColumns.Options(), cancellationToken: ct);
            for (int first = 0; first < topics.Length;)
            {
                int end = first + 1, rows = topics[first].Length;
                while (end < topics.Length && rows + topics[end].Length <= RowsPerGroup) rows += topics[end++].Length;
                var terms = topics[first..end].SelectMany(t => t).ToArray();
                first = end;
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync<int>(topicField, terms.Select(t => t.Topic).ToArray(), cancellationToken: ct);
                await rowGroup.WriteAsync<int>(rankField, terms.Select(t => t.Rank).ToArray(), cancellationToken: ct);
                await rowGroup.WriteAsync<int>(termIdField, terms.Select(t => t.TermId).ToArray(), cancellationToken: ct);
                await rowGroup.WriteAsync(termField, terms.Select(t => vocabulary.Term(t.TermId)).ToArray(), null);
                await rowGroup.WriteAsync<float>(probabilityField, terms.Select(t => t.Probability).ToArray(), cancellationToken: ct);
                await rowGroup.WriteAsync<float>(lambdaField, terms.Select(t => t.Lambda).ToArray(), cancellationToken: ct);
            }
        }, cancellationToken);

    /// <summary>Reads all rows, with each term's text, in file order.</summary>
    public static async Task<List<(TopicTerm Term, string Text)>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetColumns.OpenAsync(path, cancellationToken);
        return await ParquetColumns.GuardAsync(path, async () =>
        {
            var topicField = ParquetColumns.Column<int>(reader, "topic_id", path, Expected);
            var rankField = ParquetColumns.Column<int>(reader, "rank", path, Expected);
            var termIdField = ParquetColumns.Column<int>(reader, "term_id", path, Expected);
            var termField = ParquetColumns.Column<string>(reader, "term", path, Expected);
            var probabilityField = ParquetColumns.Column<float>(reader, "probability", path, Expected);
            var lambdaField = ParquetColumns.Column<float>(reader, "lambda", path, Expected);
            var rows = new List<(TopicTerm, string)>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                var topics = await ParquetColumns.ReadColumnAsync<int>(rowGroup, topicField, path, cancellationToken);
                var ranks = await ParquetColumns.ReadColumnAsync<int>(rowGroup, rankField, path, cancellationToken);
                var termIds = await ParquetColumns.ReadColumnAsync<int>(rowGroup, termIdField, path, cancellationToken);
                var terms = new string?[topics.Length];
                await rowGroup.ReadAsync(termField, terms.AsMemory(), null, cancellationToken);
                var probabilities = await ParquetColumns.ReadColumnAsync<float>(rowGroup, probabilityField, path, cancellationToken);
                var lambdas = await ParquetColumns.ReadColumnAsync<float>(rowGroup, lambdaField, path, cancellationToken);
                for (int i = 0; i < topics.Length; i++)
                    rows.Add((new TopicTerm(topics[i], ranks[i], termIds[i], probabilities[i], lambdas[i]), terms[i] ?? ""));
            }
            return rows;
        });
    }
}
