using System.Buffers;
using System.IO.Compression;
using Parquet;
using Parquet.Schema;

namespace TopicEngine.Storage;

/// <summary>
/// Parquet.Net conventions shared by every artefact: <see cref="CompressionLevel.Optimal"/>
/// (the library's default, SmallestSize, is about 10× slower for no real gain), and fixed-width
/// <c>list&lt;float&gt;</c> columns (θ, γ) written with explicit repetition/definition levels as
/// the standard three-level LIST that DuckDB, Spark and pandas read as an array column.
/// </summary>
internal static class ParquetColumns
{
    /// <summary>Options for writing (Snappy, optimal level) and reading. The stream pools Parquet.Net
    /// keeps are capped (unbounded by default, they grow to hundreds of MB over a long file).</summary>
    public static ParquetOptions Options() => new()
    {
        CompressionLevel = CompressionLevel.Optimal,
        MaximumSmallPoolFreeBytes = 16 << 20,
        MaximumLargePoolFreeBytes = 32 << 20,
    };

    /// <summary>A required <c>list&lt;float&gt;</c> column named <paramref name="name"/>.</summary>
    public static ListField FloatList(string name) => new(name, new DataField<float>("element"));

    /// <summary>The leaf (element) data field of a list column in <paramref name="schema"/>.</summary>
    public static DataField ListElement(ParquetSchema schema, string listName) =>
        schema.GetDataFields().FirstOrDefault(f => f.Path.ToString().StartsWith(listName + "/", StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"no list column '{listName}'");

    /// <summary>Writes <paramref name="rows"/> lists of exactly <paramref name="width"/> floats each
    /// (<paramref name="values"/> row-major, rows × width) as the next column of the row group.</summary>
    public static async Task WriteFixedListAsync(ParquetRowGroupWriter rowGroup, DataField element,
        ReadOnlyMemory<float> values, int rows, int width, CancellationToken cancellationToken = default)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width));
        if (values.Length != rows * width) throw new ArgumentException("values must hold rows × width floats.", nameof(values));
        // Repetition level 0 starts a new row, 1 continues its list; every element is defined.
        var repetition = ArrayPool<int>.Shared.Rent(values.Length);
        var definition = ArrayPool<int>.Shared.Rent(values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            repetition[i] = i % width == 0 ? 0 : element.MaxRepetitionLevel;
            definition[i] = element.MaxDefinitionLevel;
        }
        try
        {
            await rowGroup.WriteAllPartsAsync(element, values, definition.AsMemory(0, values.Length), repetition.AsMemory(0, values.Length), cancellationToken);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(repetition);
            ArrayPool<int>.Shared.Return(definition);
        }
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

    /// <summary>Opens a Parquet file for reading (through <see cref="ParquetGuard"/>); a missing or unreadable file
    /// becomes a <see cref="TopicEngineException"/> naming it.</summary>
    public static async Task<ParquetReader> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new TopicEngineException($"{path}: file is missing");
        try
        {
            return await ParquetGuard.OpenAsync(File.OpenRead(path), Options(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not TopicEngineException)
        {
            throw new TopicEngineException($"{path}: not a readable Parquet file ({e.Message})", e);
        }
    }

    /// <summary>The top-level data column <paramref name="name"/> of type <typeparamref name="T"/>, or a
    /// <see cref="TopicEngineException"/> naming the file and the columns it expects.</summary>
    public static DataField Column<T>(ParquetReader reader, string name, string path, string expected)
    {
        var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Name == name && f.MaxRepetitionLevel == 0)
            ?? throw new TopicEngineException($"{path}: no column '{name}'; expected {expected}");
        bool matches = field.ClrType == typeof(T)
            || (typeof(T) == typeof(string) && field.ClrType == typeof(ReadOnlyMemory<char>));
        if (!matches)
            throw new TopicEngineException($"{path}: column '{name}' is {field.ClrType.Name}, expected {typeof(T).Name}");
        return field;
    }

    /// <summary>Reads a column of one row group into a new array. Columns written as optional (as
    /// DuckDB, pandas and Spark write them) are accepted as long as they hold no nulls.</summary>
    public static async Task<T[]> ReadColumnAsync<T>(ParquetRowGroupReader rowGroup, DataField field, string path, CancellationToken cancellationToken = default)
        where T : struct
    {
        var values = new T[checked((int)rowGroup.RowCount)];
        await ReadColumnIntoAsync(rowGroup, field, values, path, cancellationToken);
        return values;
    }

    /// <summary>Reads a column of one row group into the front of <paramref name="values"/> (at least
    /// RowCount long; reused across row groups to keep large reads from piling up garbage).</summary>
    public static async Task ReadColumnIntoAsync<T>(ParquetRowGroupReader rowGroup, DataField field, T[] values, string path, CancellationToken cancellationToken = default)
        where T : struct
    {
        int rows = checked((int)rowGroup.RowCount);
        if (field.MaxDefinitionLevel == 0)
        {
            await rowGroup.ReadAsync<T>(field, values.AsMemory(0, rows), null, cancellationToken);
            return;
        }
        var nullable = new T?[rows];
        await rowGroup.ReadAsync<T>(field, nullable.AsMemory(), null, cancellationToken);
        for (int i = 0; i < rows; i++)
            values[i] = nullable[i] ?? throw new TopicEngineException($"{path}: column '{field.Name}' has a null in row {i} of a row group");
    }

    /// <summary>Runs <paramref name="read"/>, turning a Parquet.Net failure (a damaged file) into a
    /// <see cref="TopicEngineException"/> naming <paramref name="path"/>.</summary>
    public static async Task<T> GuardAsync<T>(string path, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is not OperationCanceledException and not TopicEngineException)
        {
            throw new TopicEngineException($"{path}: cannot be read ({e.Message})", e);
        }
    }
}
