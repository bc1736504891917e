using System.Text;

namespace TopicEngine.Corpus;

/// <summary>
/// The UCI bag-of-words format: <c>docword.NAME.txt[.gz]</c> holds three header lines (D, W,
/// NNZ) then <c>docID wordID count</c> triples (1-based, grouped by document in increasing
/// order); <c>vocab.NAME.txt[.gz]</c> beside it, when present, names word i on line i. Every
/// document 1..D is yielded, empty ones included, keyed by its docID. Without a vocabulary file
/// word i is named <c>w</c>i.
/// </summary>
internal sealed class UciSource : CorpusSource
{
    private readonly ReaderOptions _options;
    private readonly string? _vocabularyPath;
    private readonly Lazy<IReadOnlyList<string>?> _terms;

    private UciSource(string docwordPath, string? vocabularyPath, ReaderOptions options) : base(docwordPath, CorpusFormat.Uci)
    {
        _options = options;
        _vocabularyPath = vocabularyPath;
        _terms = new(() => _vocabularyPath is null ? null : ReadVocabulary(_vocabularyPath, _options.Encoding));
    }

    public override string Description => $"{Path} (uci{(_vocabularyPath is null ? ", no vocabulary file" : $", vocabulary {_vocabularyPath}")})";

    public override IReadOnlyList<string>? DeclaredTerms => _terms.Value;

    // UCI ids are 1-based; index i (0-based) is word i+1.
    public override string TermName(int index) => DeclaredTerms is { } terms ? terms[index] : "w" + (index + 1);

    /// <summary>A docword file, or a folder holding exactly one docword file.</summary>
    public static UciSource Open(string input, ReaderOptions options)
    {
        string docword = input;
        if (Directory.Exists(input))
        {
            var found = FindDocwordFiles(input).ToList();
            docword = found.Count switch
            {
                1 => found[0],
                0 => throw new TopicEngineException($"{input}: no docword.*.txt or docword.*.txt.gz file in this folder (--format uci)"),
                _ => throw new TopicEngineException($"{input}: several docword files ({string.Join(", ", found.Select(System.IO.Path.GetFileName))}); name one with --input"),
            };
        }
        string name = InputFiles.NameWithoutGzip(docword);
        string? vocabulary = null;
        if (name.StartsWith("docword.", StringComparison.OrdinalIgnoreCase))
        {
            string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(docword))!;
            string candidate = System.IO.Path.Combine(dir, "vocab." + name["docword.".Length..]);
            vocabulary = File.Exists(candidate) ? candidate : File.Exists(candidate + ".gz") ? candidate + ".gz" : null;
        }
        return new UciSource(docword, vocabulary, options);
    }

    public static IEnumerable<string> FindDocwordFiles(string folder) =>
        Directory.EnumerateFiles(folder, "docword.*")
            .Where(f => InputFiles.NameWithoutGzip(f).EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);

    /// <summary>One term per line (trimmed); blank lines keep their place so line numbers stay ids.</summary>
    internal static List<string> ReadVocabulary(string path, InputEncoding encoding)
    {
        var terms = new List<string>();
        using var reader = InputFiles.OpenText(path, encoding == InputEncoding.Auto ? InputEncoding.Utf8 : encoding);
        try
        {
            while (reader.ReadLine() is { } line) terms.Add(line.Trim());
        }
        catch (DecoderFallbackException e) { throw InputFiles.NotUtf8($"{path}:{terms.Count + 1}", e); }
        return terms;
    }

    private static bool TryParseTriple(string line, out long doc, out long word, out long count)
    {
        doc = word = count = 0;
        var span = line.AsSpan().Trim();
        Span<Range> parts = stackalloc Range[4];
        int n = span.SplitAny(parts, " \t", StringSplitOptions.RemoveEmptyEntries);
        return n == 3 && long.TryParse(span[parts[0]], out doc) && long.TryParse(span[parts[1]], out word) && long.TryParse(span[parts[2]], out count);
    }

    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        using var lines = InputFiles.ReadLines(Path, _options.Encoding).GetEnumerator();
        int lineNumber = 0;
        string? NextLine()
        {
            if (!lines.MoveNext()) { lineNumber++; return null; }
            lineNumber = lines.Current.Number;
            return lines.Current.Line;
        }
        long HeaderValue(string what)
        {
            string? line = NextLine();
            return line is not null && long.TryParse(line.Trim(), out long value) && value >= 0 ? value
                : throw new TopicEngineException($"{Path}:{lineNumber}: expected the header line {what} of the UCI docword format");
        }
        long documents = HeaderValue("D (documents)");
        long words = HeaderValue("W (vocabulary size)");
        HeaderValue("NNZ (non-zero entries)");
        // Ids become int indexes and documents an int count downstream.
        if (documents > int.MaxValue || words > int.MaxValue)
            throw new TopicEngineException($"{Path}: the header declares D = {documents} and W = {words}; at most {int.MaxValue} of each are supported");
        if (DeclaredTerms is { } terms && terms.Count < words)
            throw new TopicEngineException($"{_vocabularyPath}: {terms.Count} terms, but {Path} declares W = {words}");

        var ids = new List<int>();
        var counts = new List<int>();
        long current = 1;
        while (true)
        {
            string? line = NextLine();
            long doc = 0, word = 0, count = 0;
            if (line is not null)
            {
                if (!TryParseTriple(line, out doc, out word, out count))
                    throw new TopicEngineException($"{Path}:{lineNumber}: expected 'docID wordID count'");
                if (doc < current || doc > documents)
                    throw new TopicEngineException($"{Path}:{lineNumber}: docID {doc} out of order or outside 1..{documents} (entries must be grouped by document in increasing order)");
                if (word < 1 || word > words)
                    throw new TopicEngineException($"{Path}:{lineNumber}: wordID {word} outside 1..{words}");
                if (count < 1 || count > int.MaxValue)
                    throw new TopicEngineException($"{Path}:{lineNumber}: count {count} is not a positive integer");
            }
            long until = line is null ? documents + 1 : doc;
            while (current < until)
            {
                yield return SourceDocument.FromCounts(current.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{Path} document {current}", ids.ToArray(), counts.ToArray());
                ids.Clear();
                counts.Clear();
                current++;
            }
            if (line is null) yield break;
            ids.Add((int)(word - 1));
            counts.Add((int)count);
        }
    }
}
