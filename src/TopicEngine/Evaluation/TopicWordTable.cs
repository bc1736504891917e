using System.Globalization;
using Parquet.Schema;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine.Evaluation;

/// <summary>
/// A topic-word matrix given as a table of <c>topic_id, term, weight</c> rows (Parquet, or CSV/TSV with a header), e.g.
/// another tool's topics: K = the largest topic_id + 1, columns follow the given vocabulary, a term absent from a
/// topic's rows has weight 0. Weights may be λ, counts or probabilities (rows are normalised by the scorer).
/// </summary>
internal static class TopicWordTable
{
    private const string Expected = "columns topic_id (integer), term (string), weight (number)";

    /// <summary>The K×V topic-major matrix, K, and how many (topic, term) cells the table gave.</summary>
    public static async Task<(float[] Values, int Topics, long Cells)> ReadAsync(string path, Vocabulary vocabulary, CancellationToken cancellationToken)
    {
        var rows = Path.GetExtension(path).ToLowerInvariant() == ".parquet"
            ? await ReadParquetAsync(path, cancellationToken)
            : ReadDelimited(path);
        if (rows.Count == 0) throw new TopicEngineException($"{path}: no rows; expected {Expected}");
        int topics = rows.Max(r => r.Topic) + 1;
        int v = vocabulary.Count;
        if ((long)topics * v > Array.MaxLength) throw new TopicEngineException($"{path}: {topics} topics × {v} terms is too large");
        var values = new float[topics * v];
        var seen = new HashSet<long>();
        foreach (var (topic, term, weight) in rows)
        {
            if (topic < 0) throw new TopicEngineException($"{path}: topic_id {topic} is negative");
            if (!vocabulary.TryGetId(term, out int id))
                throw new TopicEngineException($"{path}: term '{term}' (topic {topic}) is not in the vocabulary given with --vocabulary-from");
            if (!(weight >= 0) || !double.IsFinite(weight))
                throw new TopicEngineException($"{path}: weight {weight} of term '{term}' (topic {topic}) must be finite and not negative");
            values[topic * v + id] += (float)weight;
            seen.Add((long)topic * v + id);
        }
        return (values, topics, seen.Count);
    }

    private static List<(int Topic, string Term, double Weight)> ReadDelimited(string path)
    {
        if (!File.Exists(path)) throw new TopicEngineException($"{path}: file is missing");
        using var reader = new StreamReader(path);
        string? header = reader.ReadLine() ?? throw new TopicEngineException($"{path}: empty; expected a header with {Expected}");
        char separator = Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase) || header.Contains('\t') ? '\t' : ',';
        var names = Split(header, separator).Select(n => n.Trim().ToLowerInvariant()).ToList();
        int topicColumn = names.IndexOf("topic_id"), termColumn = names.IndexOf("term"), weightColumn = names.IndexOf("weight");
        if (topicColumn < 0 || termColumn < 0 || weightColumn < 0)
            throw new TopicEngineException($"{path}: the header '{header}' lacks {Expected}");
        var rows = new List<(int, string, double)>();
        int line = 1;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (text.Length == 0) continue;
            var cells = Split(text, separator);
            if (cells.Count != names.Count
                || !int.TryParse(cells[topicColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out int topic)
                || !double.TryParse(cells[weightColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out double weight))
                throw new TopicEngineException($"{path}:{line}: expected {names.Count} cells with an integer topic_id and a numeric weight: {text}");
            rows.Add((topic, cells[termColumn], weight));
        }
        return rows;
    }

    /// <summary>Splits one CSV/TSV line; a cell in double quotes may hold the separator ("" is a quote).</summary>
    private static List<string> Split(string line, char separator)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == separator) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }

    private static async Task<List<(int Topic, string Term, double Weight)>> ReadParquetAsync(string path, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetColumns.OpenAsync(path, cancellationToken);
        return await ParquetColumns.GuardAsync(path, async () =>
        {
            var fields = reader.Schema.GetDataFields();
            DataField Field(string name) => fields.FirstOrDefault(f => f.Name == name && f.MaxRepetitionLevel == 0)
                ?? throw new TopicEngineException($"{path}: no column '{name}'; expected {Expected}");
            DataField topicField = Field("topic_id"), termField = Field("term"), weightField = Field("weight");
            var rows = new List<(int, string, double)>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int n = checked((int)group.RowCount);
                var topics = await ReadNumbersAsync(group, topicField, n, path, cancellationToken);
                var weights = await ReadNumbersAsync(group, weightField, n, path, cancellationToken);
                var terms = new string?[n];
                await group.ReadAsync(termField, terms.AsMemory(), null, cancellationToken);
                for (int i = 0; i < n; i++)
                {
                    if (topics[i] != Math.Floor(topics[i])) throw new TopicEngineException($"{path}: topic_id {topics[i]} is not an integer");
                    rows.Add(((int)topics[i], terms[i] ?? throw new TopicEngineException($"{path}: a term is null"), weights[i]));
                }
            }
            return rows;
        });
    }

    private static Task<double[]> ReadNumbersAsync(Parquet.ParquetRowGroupReader group, DataField field, int rows, string path, CancellationToken ct) =>
        Type.GetTypeCode(field.ClrType) switch
        {
            TypeCode.Int32 => ReadNumbersAsync<int>(group, field, rows, path, ct),
            TypeCode.Int64 => ReadNumbersAsync<long>(group, field, rows, path, ct),
            TypeCode.Single => ReadNumbersAsync<float>(group, field, rows, path, ct),
            TypeCode.Double => ReadNumbersAsync<double>(group, field, rows, path, ct),
            _ => throw new TopicEngineException($"{path}: column '{field.Name}' is {field.ClrType.Name}; expected {Expected}"),
        };

    private static async Task<double[]> ReadNumbersAsync<T>(Parquet.ParquetRowGroupReader group, DataField field, int rows, string path, CancellationToken ct)
        where T : struct, System.Numerics.INumberBase<T>
    {
        var result = new double[rows];
        if (field.MaxDefinitionLevel == 0)
        {
            var values = new T[rows];
            await group.ReadAsync<T>(field, values.AsMemory(), null, ct);
            for (int i = 0; i < rows; i++) result[i] = double.CreateChecked(values[i]);
        }
        else
        {
            var values = new T?[rows];
            await group.ReadAsync<T>(field, values.AsMemory(), null, ct);
            for (int i = 0; i < rows; i++)
                result[i] = values[i] is { } x ? double.CreateChecked(x) : throw new TopicEngineException($"{path}: column '{field.Name}' has a null");
        }
        return result;
    }
}
