using System.Text;
using CsvHelper;

namespace TopicEngine.Corpus;

/// <summary>
/// CSV (RFC 4180: quoted fields may hold commas, quotes and newlines) or TSV (no quoting) with a
/// header row; text in the <c>--text-field</c> column, key in <c>--id-field</c> or else
/// <c>file:line</c>. A record with a stray quote or too few columns is a bad record.
/// </summary>
internal sealed class DelimitedSource : CorpusSource
{
    private readonly ReaderOptions _options;
    private readonly bool _tab;

    public DelimitedSource(string path, ReaderOptions options, bool tab) : base(path, tab ? CorpusFormat.Tsv : CorpusFormat.Csv)
    {
        _options = options;
        _tab = tab;
    }

    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        string name = System.IO.Path.GetFileName(Path);
        var malformed = new Queue<CsvMalformedRecord>();
        var options = new CsvReaderOptions
        {
            Separator = _tab ? '\t' : ',',
            Mode = _tab ? CsvMode.NoEscape : CsvMode.Rfc4180,
            HasHeader = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = record => malformed.Enqueue(record),
        };
        // A strict UTF-8 TextReader in front, so that invalid bytes are an error naming the file.
        using var reader = CsvReader.Create(InputFiles.OpenText(Path, _options.Encoding), options, false);

        string[] header;
        try { header = reader.Headers.ToArray(); }
        catch (Exception e) when (e is CsvFormatException or DecoderFallbackException or InvalidDataException) { throw Unreadable($"{Path}:1", e); }
        if (header.Length == 0) throw new TopicEngineException($"{Path}: empty file, expected a header row naming the columns");
        int textColumn = Column(header, _options.TextField, "--text-field");
        int idColumn = _options.IdField is { } idField ? Column(header, idField, "--id-field") : -1;
        int needed = Math.Max(textColumn, idColumn) + 1;

        while (true)
        {
            bool more;
            try { more = reader.Read(); }
            catch (Exception e) when (e is CsvFormatException or DecoderFallbackException or InvalidDataException) { throw Unreadable(Path, e); }
            while (malformed.TryDequeue(out var bad))
                report.Bad(_options.OnError, $"{Path}:{bad.LineNumber}: malformed record ({bad.Reason})");
            if (!more) yield break;
            long line = reader.LineNumber;
            string origin = $"{Path}:{line}";
            if (reader.FieldCount < needed)
            {
                report.Bad(_options.OnError, $"{origin}: {reader.FieldCount} columns, expected at least {needed} (the header has {header.Length})");
                continue;
            }
            string key = idColumn >= 0 ? reader.GetString(idColumn) : $"{name}:{line}";
            if (FieldText.Read(reader.GetString(textColumn), _options, origin, report) is { } text)
                yield return SourceDocument.FromText(key, origin, text);
        }
    }

    private static TopicEngineException Unreadable(string origin, Exception e) => e switch
    {
        DecoderFallbackException d => InputFiles.NotUtf8(origin, d),
        CsvFormatException f => new TopicEngineException($"{origin}:{f.LineNumber}: cannot parse ({f.Message.ReplaceLineEndings(" ")})", e),
        _ => new TopicEngineException($"{origin}: not a valid gzip file ({e.Message})", e),
    };

    private int Column(string[] header, string name, string flag)
    {
        int index = Array.IndexOf(header, name);
        if (index < 0) index = Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index
            : throw new TopicEngineException($"{Path}: no column '{name}' in the header ({string.Join(", ", header)}); set {flag}");
    }
}
