
namespace TopicEngine.Corpus;

/// <summary>
/// The LDA-C format of Blei's lda-c: one document per line, <c>M id:count id:count ...</c> with
/// 0-based term ids; <c>vocab.txt</c> beside the <c>.dat</c> file names term i on line i (without
/// it term i is named <c>w</c>i). Documents are keyed <c>file:line</c>.
/// </summary>
internal sealed class LdaCSource : CorpusSource
{
    private readonly ReaderOptions _options;
    private readonly string? _vocabularyPath;
    private readonly Lazy<IReadOnlyList<string>?> _terms;

    public LdaCSource(string path, ReaderOptions options) : base(path, CorpusFormat.Ldac)
    {
        _options = options;
        string candidate = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, "vocab.txt");
        _vocabularyPath = File.Exists(candidate) ? candidate : null;
        _terms = new(() => _vocabularyPath is null ? null : UciSource.ReadVocabulary(_vocabularyPath, _options.Encoding));
    }

    public override string Description => $"{Path} (ldac{(_vocabularyPath is null ? ", no vocab.txt" : $", vocabulary {_vocabularyPath}")})";

    public override IReadOnlyList<string>? DeclaredTerms => _terms.Value;

    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        string name = System.IO.Path.GetFileName(Path);
        int vocabularySize = DeclaredTerms?.Count ?? int.MaxValue;
        var ids = new List<int>();
        var counts = new List<int>();
        foreach (var (lineNumber, line) in InputFiles.ReadLines(Path, _options.Encoding))
        {
            ids.Clear();
            counts.Clear();
            string? error = Parse(line, vocabularySize, ids, counts);
            if (error is not null)
            {
                report.Bad(_options.OnError, $"{Path}:{lineNumber}: {error}");
                continue;
            }
            yield return SourceDocument.FromCounts($"{name}:{lineNumber}", $"{Path}:{lineNumber}", ids.ToArray(), counts.ToArray());
        }
    }

    private static string? Parse(string line, int vocabularySize, List<int> ids, List<int> counts)
    {
        var rest = line.AsSpan().Trim();
        int space = rest.IndexOfAny(' ', '\t');
        var head = space < 0 ? rest : rest[..space];
        if (!int.TryParse(head, out int declared) || declared < 0) return "expected 'M id:count ...' (M, the number of distinct terms, first)";
        rest = space < 0 ? ReadOnlySpan<char>.Empty : rest[space..];
        foreach (var range in rest.SplitAny(" \t"))
        {
            var pair = rest[range];
            if (pair.IsEmpty) continue;
            int colon = pair.IndexOf(':');
            if (colon < 0 || !int.TryParse(pair[..colon], out int id) || !int.TryParse(pair[(colon + 1)..], out int count))
                return $"expected id:count, found '{pair}'";
            if (id < 0 || id >= vocabularySize) return $"term id {id} outside 0..{vocabularySize - 1} of vocab.txt";
            if (count < 1) return $"count {count} is not positive";
            ids.Add(id);
            counts.Add(count);
        }
        return ids.Count == declared ? null : $"declares {declared} terms but lists {ids.Count}";
    }
}
