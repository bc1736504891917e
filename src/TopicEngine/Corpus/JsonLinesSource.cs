using System.Text.Json;

namespace TopicEngine.Corpus;

/// <summary>
/// JSON Lines: one object per line, text in <c>--text-field</c> (a string; null is an empty
/// document), key in <c>--id-field</c> (string or number) or else <c>file:line</c>. Blank lines are ignored.
/// </summary>
internal sealed class JsonLinesSource : CorpusSource
{
    private readonly ReaderOptions _options;

    public JsonLinesSource(string path, ReaderOptions options) : base(path, CorpusFormat.Jsonl) => _options = options;

    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        string name = System.IO.Path.GetFileName(Path);
        foreach (var (lineNumber, line) in InputFiles.ReadLines(Path, _options.Encoding))
        {
            var document = Parse(line, $"{Path}:{lineNumber}", $"{name}:{lineNumber}", report);
            if (document is not null) yield return document;
        }
    }

    private SourceDocument? Parse(string line, string origin, string defaultKey, ReadReport report)
    {
        JsonDocument json;
        try { json = JsonDocument.Parse(line); }
        catch (JsonException e)
        {
            report.Bad(_options.OnError, $"{origin}: not valid JSON ({FirstSentence(e.Message)})");
            return null;
        }
        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                report.Bad(_options.OnError, $"{origin}: expected a JSON object, found {json.RootElement.ValueKind}");
                return null;
            }
            if (!json.RootElement.TryGetProperty(_options.TextField, out var textValue))
            {
                report.Bad(_options.OnError, $"{origin}: no field '{_options.TextField}' (set --text-field)");
                return null;
            }
            string? text = textValue.ValueKind switch
            {
                JsonValueKind.String => textValue.GetString(),
                JsonValueKind.Null => "",
                _ => null,
            };
            if (text is null)
            {
                report.Bad(_options.OnError, $"{origin}: field '{_options.TextField}' is a {textValue.ValueKind}, not a string");
                return null;
            }
            string key = defaultKey;
            if (_options.IdField is { } idField)
            {
                if (!json.RootElement.TryGetProperty(idField, out var idValue) || idValue.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    report.Bad(_options.OnError, $"{origin}: no string or number field '{idField}' (set --id-field)");
                    return null;
                }
                key = idValue.ValueKind == JsonValueKind.String ? idValue.GetString()! : idValue.GetRawText();
            }
            return FieldText.Read(text, _options, origin, report) is { } read ? SourceDocument.FromText(key, origin, read) : null;
        }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).ReplaceLineEndings(" ");
    }
}
