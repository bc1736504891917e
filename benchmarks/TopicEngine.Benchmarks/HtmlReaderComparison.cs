using System.Diagnostics;
using System.Globalization;
using Lucene.Net.Analysis.CharFilters;
using TopicEngine.Corpus;
using TopicEngine.Text;

namespace TopicEngine.Benchmarks;

/// <summary>
/// <c>html-readers DIR [pages]</c>: the two HTML readers issue 11 names, side by side on every .html file under DIR —
/// AngleSharp's HTML5 parser (<see cref="AngleSharpHtmlText"/>, the reader before this comparison) and Lucene.Net's
/// <c>HTMLStripCharFilter</c> as TopicEngine's <see cref="HtmlText"/> now uses it (plain, and with its cut of hidden elements).
/// Prints (1) what each keeps of a small page with a title, script, style, entities, attributes and navigation; (2) the
/// speed of each over the files held in memory (best of 3 rounds, one thread: documents/s, MB/s); (3) the token multisets
/// each gives under the default analysis, summed over all files, and the terms where they differ most.
/// </summary>
internal static class HtmlReaderComparison
{
    private const string Probe = """
        <!DOCTYPE html><html><head><title>Volcano Survey</title><style>.lava { color: crimson; }</style>
        <script>var magmaTracker = "eruption";</script></head>
        <body class="geology"><nav><a href="index.html" title="homepage">Home</a></nav>
        <p>Basalt &amp; obsidian &mdash; lava&nbsp;cools <span data-x="attrvalue">quickly</span>.</p>
        <img src="crater.png" alt="crater"><!-- commentword --><noscript>noscriptword</noscript></body></html>
        """;

    public static void Run(string[] args)
    {
        if (args.Length < 1) throw new ArgumentException("usage: html-readers DIR [pages-to-list]");
        var files = Directory.EnumerateFiles(args[0], "*.htm*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var pages = files.Select(File.ReadAllText).ToArray();
        double megabytes = files.Sum(f => new FileInfo(f).Length) / 1e6;
        var readers = new (string Name, Func<string, string> Read)[]
        {
            ("AngleSharp", AngleSharpHtmlText.Extract), ("Lucene HTMLStripCharFilter", LuceneStrip), ("HtmlText (Lucene + hidden elements cut)", HtmlText.Extract),
        };

        Console.WriteLine("1. a probe page (title, style, script, nav link, entities, attributes, comment, noscript):");
        using var analyzer = new TextAnalyzer(new AnalyzerSettings());
        foreach (var (name, read) in readers)
            Console.WriteLine($"   {name}: {string.Join(' ', analyzer.Terms(read(Probe)))}");

        Console.WriteLine($"2. speed over {files.Length} files, {megabytes:F1} MB, in memory, one thread (best of 3):");
        foreach (var (name, read) in readers)
        {
            double best = double.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                long chars = 0;
                foreach (var page in pages) chars += read(page).Length;
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
                GC.KeepAlive(chars);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {name}: {best:F2} s, {pages.Length / best:F0} documents/s, {megabytes / best:F1} MB/s"));
        }

        Console.WriteLine("3. tokens under the default analysis, all files:");
        var counts = readers.Select(r => Count(pages.Select(r.Read), analyzer)).ToArray();
        for (int i = 0; i < readers.Length; i++)
            Console.WriteLine($"   {readers[i].Name}: {counts[i].Values.Sum():N0} tokens, {counts[i].Count:N0} distinct");
        int list = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 25;
        var angle = counts[0];
        for (int i = 1; i < readers.Length; i++)
        {
            var other = counts[i];
            var more = other.Select(p => (p.Key, More: p.Value - angle.GetValueOrDefault(p.Key))).Where(p => p.More > 0).OrderByDescending(p => p.More).ToList();
            var fewer = angle.Select(p => (p.Key, More: p.Value - other.GetValueOrDefault(p.Key))).Where(p => p.More > 0).OrderByDescending(p => p.More).ToList();
            Console.WriteLine($"   {readers[i].Name} vs AngleSharp: {more.Sum(p => p.More):N0} tokens more ({string.Join(' ', more.Take(list).Select(p => $"{p.Key}+{p.More}"))}), "
                + $"{fewer.Sum(p => p.More):N0} fewer ({string.Join(' ', fewer.Take(list).Select(p => $"{p.Key}-{p.More}"))})");
        }
    }

    /// <summary>The text Lucene's HTMLStripCharFilter lets through: tags, comments, script and style removed, entities decoded.</summary>
    private static string LuceneStrip(string html)
    {
        using var filter = new HTMLStripCharFilter(new StringReader(html));
        var text = new System.Text.StringBuilder(html.Length / 2);
        var buffer = new char[8192];
        int n;
        while ((n = filter.Read(buffer, 0, buffer.Length)) > 0) text.Append(buffer, 0, n);   // Lucene's Read ends with -1, not 0
        return text.ToString();
    }

    private static Dictionary<string, long> Count(IEnumerable<string> texts, TextAnalyzer analyzer)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var term in analyzer.Terms(text))
                counts[term] = counts.GetValueOrDefault(term) + 1;
        return counts;
    }
}
