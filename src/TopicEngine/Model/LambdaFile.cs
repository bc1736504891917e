using System.Collections;
using Parquet;
using Parquet.Schema;

using TopicEngine.Storage;

namespace TopicEngine.Model;

/// <summary>
/// <c>lambda.parquet</c>: the variational topic-word parameter λ, dense — one row per (term, topic),
/// V×K rows in term-major order (term 0 topics 0…K−1, term 1 …), the layout backends hold in memory.
/// Columns: <c>topic_id</c> int32, <c>term_id</c> int32, <c>value</c> float. This is what
/// <c>update</c> and <c>fit --resume</c> continue from.
/// </summary>
internal static class LambdaFile
{
    public const string FileName = "lambda.parquet";
    private const string Expected = "topic_id int32, term_id int32, value float";

    /// <summary>About this many rows per row group (rounded to whole terms): 1 MiB per column, so writing streams λ
    /// out of the caller's array through two reused id buffers of this size and never holds a long-format copy of it.</summary>
    internal const int RowGroupRows = 1 << 18;

    /// <summary>Writes λ (V×K, term-major) to <paramref name="path"/>, atomically, one row group per
    /// <see cref="RowGroupRows"/> / K terms as it goes.</summary>
    public static Task WriteAsync(string path, ReadOnlyMemory<float> lambda, int topics, int vocabularySize, CancellationToken cancellationToken = default)
    {
        if (topics <= 0) throw new ArgumentOutOfRangeException(nameof(topics));
        if (lambda.Length != (long)topics * vocabularySize) throw new ArgumentException("lambda must hold V×K floats.", nameof(lambda));
        return AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            var topicField = new DataField<int>("topic_id");
            var termField = new DataField<int>("term_id");
            var valueField = new DataField<float>("value");
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(topicField, termField, valueField), stream, ParquetColumns.Options(), cancellationToken: ct);
            int termsPerGroup = Math.Max(1, RowGroupRows / topics);
            var topicIds = new int[Math.Min(termsPerGroup, Math.Max(vocabularySize, 1)) * topics];
            for (int i = 0; i < topicIds.Length; i++) topicIds[i] = i % topics;
            var termIds = new int[topicIds.Length];
            for (int first = 0; first < vocabularySize; first += termsPerGroup)
            {
                int terms = Math.Min(termsPerGroup, vocabularySize - first);
                int rows = terms * topics;
                for (int i = 0; i < rows; i++) termIds[i] = first + i / topics;
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync<int>(topicField, topicIds.AsMemory(0, rows), cancellationToken: ct);
                await rowGroup.WriteAsync<int>(termField, termIds.AsMemory(0, rows), cancellationToken: ct);
                await rowGroup.WriteAsync<float>(valueField, lambda.Slice(first * topics, rows), cancellationToken: ct);
            }
        }, cancellationToken);
    }

    /// <summary>Reads λ as V×K term-major floats. Rows may come in any order, but every
    /// (term, topic) pair must appear exactly once with a finite, positive value.</summary>
    public static async Task<float[]> ReadAsync(string path, int topics, int vocabularySize, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetColumns.OpenAsync(path, cancellationToken);
        return await ParquetColumns.GuardAsync(path, async () =>
        {
            var topicField = ParquetColumns.Column<int>(reader, "topic_id", path, Expected);
            var termField = ParquetColumns.Column<int>(reader, "term_id", path, Expected);
            var valueField = ParquetColumns.Column<float>(reader, "value", path, Expected);
            long expectedRows = (long)topics * vocabularySize;
            var lambda = new float[expectedRows];
            var seen = new BitArray(checked((int)expectedRows));
            // Row counts come from the footer: check them before reading anything.
            var groupRows = Enumerable.Range(0, reader.RowGroupCount).Select(g => reader.OpenRowGroupReader(g).RowCount).ToArray();
            if (groupRows.Sum() != expectedRows)
                throw new TopicEngineException($"{path}: {groupRows.Sum()} rows, expected V×K = {vocabularySize}×{topics} = {expectedRows}");
            int largest = (int)groupRows.DefaultIfEmpty(0).Max();
            long rows = 0;
            var topicIds = new int[largest];
            var termIds = new int[largest];
            var values = new float[largest];
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                int count = (int)rowGroup.RowCount;
                await ParquetColumns.ReadColumnIntoAsync(rowGroup, topicField, topicIds, path, cancellationToken);
                await ParquetColumns.ReadColumnIntoAsync(rowGroup, termField, termIds, path, cancellationToken);
                await ParquetColumns.ReadColumnIntoAsync(rowGroup, valueField, values, path, cancellationToken);
                for (int i = 0; i < count; i++)
                {
                    int k = topicIds[i], w = termIds[i];
                    if ((uint)k >= (uint)topics || (uint)w >= (uint)vocabularySize)
                        throw new TopicEngineException($"{path}: row {rows + i} has topic_id {k}, term_id {w}, outside K={topics}, V={vocabularySize}");
                    int at = w * topics + k;
                    if (seen[at]) throw new TopicEngineException($"{path}: topic_id {k}, term_id {w} appears twice");
                    if (!(values[i] > 0) || !float.IsFinite(values[i]))
                        throw new TopicEngineException($"{path}: topic_id {k}, term_id {w} has value {values[i]}; λ must be finite and positive");
                    seen[at] = true;
                    lambda[at] = values[i];
                }
                rows += count;
            }
            return lambda;
        });
    }
}
