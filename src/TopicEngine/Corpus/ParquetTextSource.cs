using Parquet;
using Parquet.Schema;
using TopicEngine.Storage;

namespace TopicEngine.Corpus;

/// <summary>
/// Apache Parquet: text in the string column <c>--text-field</c> (null is an empty document), key
/// in <c>--id-field</c> (string, int32 or int64) or else <c>file:row</c> (1-based). Read one row
/// group at a time.
/// </summary>
internal sealed class ParquetTextSource : CorpusSource
{
    private readonly ReaderOptions _options;

    public ParquetTextSource(string path, ReaderOptions options) : base(path, CorpusFormat.Parquet) => _options = options;

    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        string name = System.IO.Path.GetFileName(Path);
        using var stream = InputFiles.OpenRead(Path);
        Stream seekable = stream.CanSeek ? stream : Buffer(stream);
        var reader = Wait(ParquetGuard.OpenAsync(seekable, new ParquetOptions { TreatByteArrayAsString = true }));
        try
        {
            var fields = Guard(() => reader.Schema.GetDataFields());
            var textField = Find(fields, _options.TextField, "--text-field");
            if (!IsText(textField))
                throw new TopicEngineException($"{Path}: column '{textField.Name}' holds {textField.ClrType.Name}, not text; set --text-field");
            var idField = _options.IdField is { } id ? Find(fields, id, "--id-field") : null;
            if (idField is not null && !IsText(idField) && idField.ClrType != typeof(int) && idField.ClrType != typeof(long))
                throw new TopicEngineException($"{Path}: column '{idField.Name}' holds {idField.ClrType.Name}; --id-field must name a string or integer column");

            long row = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = Guard(() => reader.OpenRowGroupReader(g));
                int rows = Guard(() => checked((int)group.RowCount));
                if (rows < 0) throw new TopicEngineException($"{Path}: not a readable Parquet file (row group {g} declares {rows} rows)");
                var texts = new string?[rows];
                Wait(group.ReadAsync(textField, texts.AsMemory(), null));
                string?[]? keys = idField is null ? null : ReadKeys(group, idField, rows);
                for (int i = 0; i < rows; i++)
                {
                    row++;
                    string origin = $"{Path}:row {row}";
                    string key = keys is null ? $"{name}:{row}" : keys[i] ?? "";
                    if (keys is not null && keys[i] is null)
                    {
                        report.Bad(_options.OnError, $"{origin}: null in id column '{idField!.Name}'");
                        continue;
                    }
                    if (FieldText.Read(texts[i] ?? "", _options, origin, report) is { } text)
                        yield return SourceDocument.FromText(key, origin, text);
                }
            }
        }
        finally
        {
            Wait(reader.DisposeAsync());
        }
    }

    private string?[] ReadKeys(ParquetRowGroupReader group, DataField field, int rows)
    {
        if (IsText(field))
        {
            var keys = new string?[rows];
            Wait(group.ReadAsync(field, keys.AsMemory(), null));
            return keys;
        }
        if (field.ClrType == typeof(int))
        {
            var values = new int?[rows];
            Wait(group.ReadAsync<int>(field, values.AsMemory(), null));
            return values.Select(v => v?.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        var longs = new long?[rows];
        Wait(group.ReadAsync<long>(field, longs.AsMemory(), null));
        return longs.Select(v => v?.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private DataField Find(DataField[] fields, string name, string flag) =>
        fields.FirstOrDefault(f => f.Name == name)
        ?? fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new TopicEngineException($"{Path}: no column '{name}' ({string.Join(", ", fields.Select(f => f.Name))}); set {flag}");

    private static MemoryStream Buffer(Stream stream)
    {
        var memory = new MemoryStream();
        stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }

    // Parquet.Net is asynchronous only; readers are synchronous iterators run off any synchronization context.
    private T Wait<T>(Task<T> task) => Guard(() => task.GetAwaiter().GetResult());
    private void Wait(ValueTask task) => Guard(() => { task.AsTask().GetAwaiter().GetResult(); return 0; });
    private void Wait(Task task) => Guard(() => { task.GetAwaiter().GetResult(); return 0; });

    /// <summary>Runs a Parquet.Net call; whatever it throws on a damaged file (IOException, InvalidDataException,
    /// IndexOutOfRangeException, …) becomes one line naming the file.</summary>
    private T Guard<T>(Func<T> call)
    {
        try { return call(); }
        catch (Exception e) when (e is not (TopicEngineException or OperationCanceledException or OutOfMemoryException))
        {
            throw new TopicEngineException($"{Path}: not a readable Parquet file ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
