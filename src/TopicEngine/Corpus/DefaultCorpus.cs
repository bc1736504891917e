using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Xml;

namespace TopicEngine.Corpus;

/// <summary>
/// The corpus used when no input is given: the .NET API reference that ships with every .NET SDK
/// (the IntelliSense XML files under <c>packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/net&lt;N&gt;/</c>).
/// One document per type (<c>T:</c> member), keyed by the type's full name, built from the type's
/// summary and remarks followed by the summaries of its members, which turns a one-line type
/// description into a paragraph about what the type does. Cross references contribute the short
/// name they point at (<c>&lt;see cref="T:System.IO.Stream"/&gt;</c> gives "Stream").
/// </summary>
internal sealed class DefaultCorpus : CorpusSource
{
    private DefaultCorpus(string folder, IReadOnlyList<string> files) : base(folder, CorpusFormat.Text) => Files = files;

    /// <summary>
    /// The phrasing every API summary repeats ("Initializes a new instance of the specified…",
    /// "Gets a value that indicates whether…"), added to the stop words when this corpus is used
    /// so that topics show what types are about rather than how documentation is worded.
    /// </summary>
    public static IReadOnlyList<string> BoilerplateStopWords { get; } =
    [
        "specified", "initializes", "instance", "represents", "indicates", "returns", "creates", "gets", "sets",
        "whether", "current", "determines", "specifies", "provides", "contains", "defines", "new", "value", "values",
        "object", "true", "false", "null", "default", "given", "used", "using", "can", "also", "see", "otherwise",
        "called", "member", "members", "class", "struct", "structure", "interface", "retrieves", "attempts", "tries",
        "associated", "based", "within", "corresponding", "supported", "support", "supports", "use", "uses",
    ];

    /// <summary>The XML documentation files, in ordinal order of name.</summary>
    public IReadOnlyList<string> Files { get; }

    public override string Description => $".NET API reference ({Path})";

    /// <summary>Finds the reference documentation of the running runtime's SDK, or throws asking for <c>--input</c>.</summary>
    public static DefaultCorpus Locate() => TryLocate(CandidateRoots()) ?? throw new TopicEngineException(
        "no --input given and the default corpus (the .NET API reference XML files under <dotnet root>/packs/Microsoft.NETCore.App.Ref) was not found; pass --input or set DOTNET_ROOT");

    /// <summary>The first root (a dotnet install folder) that holds reference XML docs for this runtime's major version (else the newest).</summary>
    internal static DefaultCorpus? TryLocate(IEnumerable<string> roots)
    {
        int major = Environment.Version.Major;
        foreach (var root in roots.Distinct())
        {
            string packs = System.IO.Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
            if (!Directory.Exists(packs)) continue;
            var folders = Directory.EnumerateDirectories(packs)
                .Select(dir => (Dir: dir, Version: Version.TryParse(System.IO.Path.GetFileName(dir).Split('-')[0], out var v) ? v : null))
                .Where(v => v.Version is not null)
                .OrderByDescending(v => v.Version!.Major == major)
                .ThenByDescending(v => v.Version)
                .SelectMany(v => Directory.Exists(System.IO.Path.Combine(v.Dir, "ref"))
                    ? Directory.EnumerateDirectories(System.IO.Path.Combine(v.Dir, "ref"), "net*").OrderByDescending(d => d, StringComparer.Ordinal)
                    : Enumerable.Empty<string>());
            foreach (var folder in folders)
            {
                var files = Directory.EnumerateFiles(folder, "*.xml").Order(StringComparer.Ordinal).ToList();
                if (files.Count > 0) return new DefaultCorpus(folder, files);
            }
        }
        return null;
    }

    /// <summary>DOTNET_ROOT, then the install folder the running runtime lives in (…/shared/Microsoft.NETCore.App/&lt;version&gt;/), then the usual places.</summary>
    private static IEnumerable<string> CandidateRoots()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } env) yield return env;
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory());
        for (var dir = runtime; dir is not null; dir = dir.Parent)
            if (Directory.Exists(System.IO.Path.Combine(dir.FullName, "packs"))) { yield return dir.FullName; break; }
        yield return "/usr/share/dotnet";
        yield return "/usr/lib/dotnet";
        yield return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet");
        yield return @"C:\Program Files\dotnet";
    }

    /// <summary>"corpus: .NET API reference (N documents, from PATH)".</summary>
    public string Describe() => $".NET API reference ({CountTypes():N0} documents, from {Path})";

    /// <summary>The number of documents (types), counted without parsing.</summary>
    public int CountTypes() => Files.AsParallel().Sum(file =>
    {
        ReadOnlySpan<byte> text = File.ReadAllBytes(file);
        int count = 0;
        for (int at = text.IndexOf("<member name=\"T:"u8); at >= 0; at = text.IndexOf("<member name=\"T:"u8))
        {
            count++;
            text = text[(at + 1)..];
        }
        return count;
    });

    /// <summary>The types of every file in order; files are parsed on all cores, ahead of the consumer.</summary>
    public override IEnumerable<SourceDocument> Read(ReadReport report)
    {
        var parsed = Files.AsParallel().AsOrdered().WithMergeOptions(ParallelMergeOptions.NotBuffered).Select(ReadFile);
        using var files = parsed.GetEnumerator();
        while (true)
        {
            List<SourceDocument>? documents = null;
            try
            {
                if (files.MoveNext()) documents = files.Current;
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1 && e.InnerException is TopicEngineException inner)
            {
                ExceptionDispatchInfo.Capture(inner).Throw();
            }
            if (documents is null) yield break;
            foreach (var document in documents) yield return document;
        }
    }

    /// <summary>The types of one file in the order they appear, each with its own and its members' text.</summary>
    private static List<SourceDocument> ReadFile(string file)
    {
        var types = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        var order = new List<string>();
        var members = new List<(string Type, string Text)>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, IgnoreComments = true };
        try
        {
            using var reader = XmlReader.Create(file, settings);
            while (reader.ReadToFollowing("member"))
            {
                string name = reader.GetAttribute("name") ?? "";
                if (name.Length < 3 || name[1] != ':') { reader.Skip(); continue; }
                string text = MemberText(reader);
                if (name[0] == 'T')
                {
                    string type = name[2..];
                    if (!types.ContainsKey(type)) { types[type] = new StringBuilder(text); order.Add(type); }
                }
                else members.Add((DeclaringType(name), text));
            }
        }
        catch (XmlException e)
        {
            throw new TopicEngineException($"{file}:{e.LineNumber}: not a valid XML documentation file ({e.Message})", e);
        }
        foreach (var (type, text) in members)
            if (text.Length > 0 && types.TryGetValue(type, out var builder)) builder.Append('\n').Append(text);
        return order.Select(type => SourceDocument.FromText(type, file, types[type].ToString())).ToList();
    }

    /// <summary>"M:System.IO.Stream.Read(System.Byte[])" → "System.IO.Stream".</summary>
    internal static string DeclaringType(string memberName)
    {
        var name = memberName.AsSpan(2);
        int paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        int dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot].ToString() : name.ToString();
    }

    /// <summary>
    /// The text of the member element the reader is on (summary and remarks; see/cref elements give
    /// the short name they refer to). Leaves the reader on the member's end.
    /// </summary>
    private static string MemberText(XmlReader reader)
    {
        if (reader.IsEmptyElement) return "";
        var text = new StringBuilder();
        int memberDepth = reader.Depth;
        int depthInside = -1;   // depth of the summary/remarks element we are in, or −1
        while (reader.Read() && reader.Depth > memberDepth)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when depthInside < 0:
                    if (reader.Name is "summary" or "remarks" && !reader.IsEmptyElement) depthInside = reader.Depth;
                    break;
                case XmlNodeType.Element when reader.Name is "see" or "seealso" or "paramref" or "typeparamref":
                    string? target = reader.GetAttribute("cref") ?? reader.GetAttribute("name") ?? reader.GetAttribute("langword");
                    if (target is not null) text.Append(' ').Append(ShortName(target)).Append(' ');
                    break;
                case XmlNodeType.EndElement when reader.Depth == depthInside:
                    depthInside = -1;
                    text.Append(' ');
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when depthInside >= 0:
                    text.Append(reader.Value);
                    break;
            }
        }
        return text.ToString().Trim();
    }

    /// <summary>"T:System.Collections.Generic.List`1" → "List"; "M:System.String.Join(System.String)" → "Join".</summary>
    private static string ShortName(string cref)
    {
        var name = cref.AsSpan();
        if (name.Length > 2 && name[1] == ':') name = name[2..];
        int paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        int dot = name.LastIndexOf('.');
        if (dot >= 0) name = name[(dot + 1)..];
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        return name.ToString();
    }
}
