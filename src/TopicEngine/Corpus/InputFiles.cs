using System.IO.Compression;
using System.Text;

namespace TopicEngine.Corpus;

/// <summary>Opening input files: transparent gzip, strict UTF-8, and errors that name the file.</summary>
internal static class InputFiles
{
    /// <summary>UTF-8 that throws on invalid bytes instead of inventing U+FFFD.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file name without a trailing <c>.gz</c>.</summary>
    public static string NameWithoutGzip(string path)
    {
        string name = Path.GetFileName(path);
        return IsGzip(name) ? name[..^3] : name;
    }

    /// <summary>A sequential byte stream over the file, decompressed when it ends in <c>.gz</c>.</summary>
    public static Stream OpenRead(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return IsGzip(path) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>A text reader for a streamed format (JSONL, CSV, docword); decoding errors surface as <see cref="DecoderFallbackException"/>.</summary>
    public static StreamReader OpenText(string path, InputEncoding encoding) =>
        new(OpenRead(path), encoding == InputEncoding.Latin1 ? Encoding.Latin1 : StrictUtf8, detectEncodingFromByteOrderMarks: encoding != InputEncoding.Latin1, bufferSize: 1 << 16);

    /// <summary>
    /// The file's lines with their 1-based numbers (blank lines skipped, but counted), decoded
    /// strictly; a decoding or gzip error becomes a <see cref="TopicEngineException"/> naming file and line.
    /// </summary>
    public static IEnumerable<(int Number, string Line)> ReadLines(string path, InputEncoding encoding)
    {
        using var reader = OpenText(path, encoding == InputEncoding.Auto ? InputEncoding.Utf8 : encoding);
        int number = 0;
        while (true)
        {
            string? line;
            try { line = reader.ReadLine(); }
            catch (DecoderFallbackException e) { throw NotUtf8($"{path}:{number + 1}", e); }
            catch (InvalidDataException e) { throw new TopicEngineException($"{path}: not a valid gzip file ({e.Message})", e); }
            if (line is null) yield break;
            number++;
            if (!string.IsNullOrWhiteSpace(line)) yield return (number, line);
        }
    }

    /// <summary>The error for a file that is not valid UTF-8.</summary>
    public static TopicEngineException NotUtf8(string origin, DecoderFallbackException e) =>
        new($"{origin}: not valid UTF-8{(e.Index >= 0 ? $" (invalid byte near offset {e.Index})" : "")}; convert it to UTF-8 or pass --encoding latin1 (or auto)", e);

    /// <summary>
    /// The whole file as text. Strict UTF-8 by default; under <see cref="InputEncoding.Auto"/> a file
    /// that is not UTF-8 is decoded as Latin-1 and counted in <paramref name="report"/>. Returns null
    /// when the file is skipped (<c>--on-error skip</c>).
    /// </summary>
    public static string? ReadAllText(string path, ReaderOptions options, ReadReport report)
    {
        byte[] bytes;
        using (var stream = OpenRead(path))
        using (var buffer = new MemoryStream())
        {
            try { stream.CopyTo(buffer); }
            catch (InvalidDataException e) { throw new TopicEngineException($"{path}: not a valid gzip file ({e.Message})", e); }
            bytes = buffer.ToArray();
        }
        if (options.Encoding == InputEncoding.Latin1) return Encoding.Latin1.GetString(bytes);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith("\xEF\xBB\xBF"u8)) span = span[3..];
        try
        {
            return StrictUtf8.GetString(span);
        }
        catch (DecoderFallbackException e)
        {
            if (options.Encoding == InputEncoding.Auto)
            {
                report.FellBackToLatin1();
                return Encoding.Latin1.GetString(span);
            }
            if (options.OnError == OnError.Skip)
            {
                report.Skip($"{path}: not valid UTF-8");
                return null;
            }
            throw NotUtf8(path, e);
        }
    }
}
