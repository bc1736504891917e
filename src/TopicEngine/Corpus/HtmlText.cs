using System.Text;
using Lucene.Net.Analysis.CharFilters;

namespace TopicEngine.Corpus;

/// <summary>
/// HTML / XHTML → the text a reader sees, with Lucene.Net's <c>HTMLStripCharFilter</c> (a JFlex scanner that tolerates
/// malformed markup): tags, comments, attributes (href, src, class …), script and style removed, entities decoded,
/// block elements turned into line breaks; the <c>&lt;title&gt;</c> text is kept where it stands, first. Elements that are
/// not rendered as text (noscript, template, svg, math, iframe, object, canvas) are cut out before. Measured against
/// AngleSharp's HTML5 parser on the Python docs (benchmarks/RESULTS.md §9): the same tokens, several times the speed.
/// </summary>
internal static class HtmlText
{
    /// <summary>Elements not rendered as text, in the lower and upper case that markup uses (an ordinal search is
    /// vectorised; an ignore-case one over text with non-ASCII characters is not, and cost more than the stripping).</summary>
    private static readonly string[] Hidden = [.. new[] { "noscript", "template", "svg", "math", "iframe", "object", "canvas" }.SelectMany(n => new[] { n, n.ToUpperInvariant() })];

    /// <summary>The visible text of <paramref name="html"/>, the title first.</summary>
    public static string Extract(string html)
    {
        using var filter = new HTMLStripCharFilter(new StringReader(CutHidden(html)));
        var text = new StringBuilder(html.Length / 3);
        var chunk = new char[4096];
        int n;
        while ((n = filter.Read(chunk, 0, chunk.Length)) > 0) text.Append(chunk, 0, n);   // Lucene's Read ends with -1, not 0
        return text.ToString();
    }

    /// <summary><paramref name="html"/> without the elements of <see cref="Hidden"/> (opening tag to closing tag, in any
    /// case, or to the end when unclosed), each replaced by a space. No copy when there is none.</summary>
    internal static string CutHidden(string html)
    {
        List<(int Start, int End)>? cuts = null;
        foreach (var name in Hidden)
        {
            for (int from = 0; from < html.Length;)
            {
                int start = html.IndexOf("<" + name, from, StringComparison.Ordinal);
                if (start < 0) break;
                int after = start + 1 + name.Length;
                if (after < html.Length && char.IsAsciiLetterOrDigit(html[after]))
                {
                    from = after;   // <svgfoo>, <objects>: another element
                    continue;
                }
                int close = html.IndexOf("</" + name, after, StringComparison.OrdinalIgnoreCase);
                int gt = close < 0 ? -1 : html.IndexOf('>', close);
                int end = gt < 0 ? html.Length : gt + 1;
                (cuts ??= []).Add((start, end));
                from = end;
            }
        }
        if (cuts is null) return html;
        cuts.Sort();
        var kept = new StringBuilder(html.Length);
        int copied = 0;
        foreach (var (start, end) in cuts)
        {
            if (end <= copied) continue;   // inside an earlier cut (an svg in a noscript)
            if (start > copied) kept.Append(html, copied, start - copied);
            kept.Append(' ');
            copied = end;
        }
        kept.Append(html, copied, html.Length - copied);
        return kept.ToString();
    }
}
