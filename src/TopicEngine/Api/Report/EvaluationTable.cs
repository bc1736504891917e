using Parquet.Schema;
using TopicEngine.Storage;

namespace TopicEngine;

/// <summary>
/// Per-topic scores read from an evaluation Parquet file whose columns this reader does not fix: every numeric column
/// beside <c>topic_id</c> becomes a score (wide layout), or, in a long layout with <c>metric</c> (string) and
/// <c>value</c> columns, every metric does. Rows whose topic_id is null or outside [0, K) (e.g. a mean row) are skipped.
/// </summary>
internal sealed record EvaluationTable(IReadOnlyList<string> Columns, double?[][] PerTopic)
{
    public static async Task<EvaluationTable?> ReadAsync(string path, int topics, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetColumns.OpenAsync(path, cancellationToken);
        var fields = reader.Schema.GetDataFields().Where(f => f.MaxRepetitionLevel == 0).ToArray();
        var topicField = fields.FirstOrDefault(f => f.Name == "topic_id");
        if (topicField is null) return null;
        var metricField = fields.FirstOrDefault(f => f.Name == "metric" && IsString(f));
        var valueField = fields.FirstOrDefault(f => f.Name == "value" && IsNumeric(f));
        bool longLayout = metricField is not null && valueField is not null;
        var numeric = longLayout ? [] : fields.Where(f => f != topicField && IsNumeric(f)).ToArray();
        var columns = new List<string>(numeric.Select(f => f.Name));
        var values = new Dictionary<(int Topic, string Column), double?>();
        return await ParquetColumns.GuardAsync(path, async () =>
        {
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int rows = checked((int)group.RowCount);
                var topicIds = await ReadNumberAsync(group, topicField, rows, cancellationToken);
                if (longLayout)
                {
                    var metrics = new string?[rows];
                    await group.ReadAsync(metricField!, metrics.AsMemory(), null, cancellationToken);
                    var value = await ReadNumberAsync(group, valueField!, rows, cancellationToken);
                    for (int i = 0; i < rows; i++)
                        if (Topic(topicIds[i], topics) is { } t && metrics[i] is { } m)
                        {
                            if (!columns.Contains(m)) columns.Add(m);
                            values[(t, m)] = value[i];
                        }
                    continue;
                }
                foreach (var field in numeric)
                {
                    var value = await ReadNumberAsync(group, field, rows, cancellationToken);
                    for (int i = 0; i < rows; i++)
                        if (Topic(topicIds[i], topics) is { } t) values[(t, field.Name)] = value[i];
                }
            }
            var perTopic = new double?[topics][];
            for (int t = 0; t < topics; t++)
                perTopic[t] = columns.Select(c => values.TryGetValue((t, c), out var v) && v is { } x && double.IsFinite(x) ? x : (double?)null).ToArray();
            return columns.Count == 0 ? null : new EvaluationTable(columns, perTopic);
        });
    }

    private static int? Topic(double? id, int topics) => id is { } x && x >= 0 && x < topics && x == Math.Floor(x) ? (int)x : null;

    private static bool IsString(DataField f) => f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>);

    private static bool IsNumeric(DataField f) => f.ClrType == typeof(double) || f.ClrType == typeof(float) || f.ClrType == typeof(int) || f.ClrType == typeof(long);

    private static async Task<double?[]> ReadNumberAsync(Parquet.ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        if (field.ClrType == typeof(double)) return await Read<double>(group, field, rows, x => x, ct);
        if (field.ClrType == typeof(float)) return await Read<float>(group, field, rows, x => x, ct);
        if (field.ClrType == typeof(int)) return await Read<int>(group, field, rows, x => x, ct);
        return await Read<long>(group, field, rows, x => x, ct);
    }

    private static async Task<double?[]> Read<T>(Parquet.ParquetRowGroupReader group, DataField field, int rows, Func<T, double> convert, CancellationToken ct)
        where T : struct
    {
        var result = new double?[rows];
        if (field.MaxDefinitionLevel == 0)
        {
            var plain = new T[rows];
            await group.ReadAsync<T>(field, plain.AsMemory(), null, ct);
            for (int i = 0; i < rows; i++) result[i] = convert(plain[i]);
        }
        else
        {
            var nullable = new T?[rows];
            await group.ReadAsync<T>(field, nullable.AsMemory(), null, ct);
            for (int i = 0; i < rows; i++) result[i] = nullable[i] is { } v ? convert(v) : null;
        }
        return result;
    }
}
