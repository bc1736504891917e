using System.IO.Compression;
using Parquet;
using Parquet.Schema;

namespace TopicEngine.Output;

/// <summary>
/// Parquet.Net conventions shared by every artefact: <see cref="CompressionLevel.Optimal"/>
/// (the library's default, SmallestSize, is about 10× slower for no real gain), and fixed-width
/// <c>list&lt;float&gt;</c> columns (θ, γ) written with explicit repetition/definition levels as
/// the standard three-level LIST that DuckDB, Spark and pandas read as an array column.
/// </summary>
internal static class ParquetColumns
{
    /// <summary>Options for writing (Snappy, optimal level) and reading.</summary>
    public static ParquetOptions Options() => new() { CompressionLevel = CompressionLevel.Optimal };

    /// <summary>A required <c>list&lt;float&gt;</c> column named <paramref name="name"/>.</summary>
    public static ListField FloatList(string name) => new(name, new DataField<float>("element"));

    /// <summary>The leaf (element) data field of a list column in <paramref name="schema"/>.</summary>
    public static DataField ListElement(ParquetSchema schema, string listName) =>
        schema.GetDataFields().FirstOrDefault(f => f.Path.ToString().StartsWith(listName + "/", StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"no list column '{listName}'");

    /// <summary>Writes <paramref name="rows"/> lists of exactly <paramref name="width"/> floats each
    /// (<paramref name="values"/> row-major, rows × width) as the next column of the row group.</summary>
    public static Task WriteFixedListAsync(ParquetRowGroupWriter rowGroup, DataField element,
        ReadOnlyMemory<float> values, int rows, int width, CancellationToken cancellationToken = default)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width));
        if (values.Length != rows * width) throw new ArgumentException("values must hold rows × width floats.", nameof(values));
        var repetition = new int[values.Length];
        var definition = new int[values.Length];
        // Repetition level 0 starts a new row, 1 continues its list; every element is defined.
        for (int i = 0; i < repetition.Length; i++)
        {
            repetition[i] = i % width == 0 ? 0 : element.MaxRepetitionLevel;
            definition[i] = element.MaxDefinitionLevel;
        }
        return rowGroup.WriteAllPartsAsync(element, values, definition, repetition, cancellationToken);
    }

    /// <summary>Reads a fixed-width <c>list&lt;float&gt;</c> column of one row group as rows × width
    /// floats (row-major); throws <see cref="TopicEngineException"/> naming <paramref name="file"/>
    /// when a row does not hold exactly <paramref name="width"/> values.</summary>
    public static async Task<float[]> ReadFixedListAsync(ParquetRowGroupReader rowGroup, DataField element,
        int width, string file, CancellationToken cancellationToken = default)
    {
        long rows = rowGroup.RowCount;
        long count = rowGroup.GetMetadata(element)?.MetaData?.NumValues ?? -1;
        if (count != rows * width)
            throw new TopicEngineException($"{file}: column '{element.Path}' holds {count} values for {rows} rows; expected {width} per row.");
        var values = new float[count];
        var definition = new int[count];
        var repetition = new int[count];
        await rowGroup.ReadRawAsync<float>(element, values, definition, repetition, cancellationToken);
        for (long i = 0; i < count; i++)
        {
            bool starts = i % width == 0;
            if ((repetition[i] == 0) != starts || definition[i] != element.MaxDefinitionLevel)
                throw new TopicEngineException($"{file}: column '{element.Path}' row {(rowGroup.RowCount > 0 ? i / width : 0)} is not a list of {width} floats.");
        }
        return values;
    }
}
