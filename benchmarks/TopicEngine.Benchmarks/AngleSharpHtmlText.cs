using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace TopicEngine.Benchmarks;

/// <summary>
/// The HTML reader TopicEngine used before the comparison in RESULTS.md §9 (kept here to repeat it): HTML / XHTML → the text a reader sees (AngleSharp's HTML5 parser): the <c>&lt;title&gt;</c>, then the text of the body.
/// Script, style, template, noscript and other non-rendered elements are dropped, entities decoded, attributes
/// (href, src, class …) never read. Block elements separate words; inline ones (a, b, em, span …) do not.
/// </summary>
internal static class AngleSharpHtmlText
{
    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    private static readonly HashSet<string> Hidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "template", "noscript", "head", "iframe", "object", "svg", "math", "canvas",
    };

    private static readonly HashSet<string> Inline = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp",
        "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var", "font", "wbr",
    };

    /// <summary>The visible text of <paramref name="html"/>, the title first.</summary>
    public static string Extract(string html)
    {
        using var document = Parser.ParseDocument(html);
        var text = new StringBuilder(html.Length / 2);
        if (!string.IsNullOrWhiteSpace(document.Title)) text.Append(document.Title).Append('\n');
        if (document.Body is { } body) Append(body, text);
        return text.ToString();
    }

    private static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(t.Data);
                    break;
                case IElement e when Hidden.Contains(e.LocalName):
                    break;
                case IElement e:
                    bool block = !Inline.Contains(e.LocalName);
                    if (block) text.Append('\n');
                    Append(e, text);
                    if (block) text.Append('\n');
                    break;
            }
        }
    }
}
