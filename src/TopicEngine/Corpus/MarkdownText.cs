using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;

namespace TopicEngine.Corpus;

/// <summary>
/// Markdown → plain text (Markdig, CommonMark plus its common extensions): link text and image alt text kept, link
/// targets and image URLs dropped, inline HTML tags dropped, code kept unless <c>--no-code</c> drops fenced and
/// indented code blocks (inline code stays: it is part of a sentence).
/// </summary>
internal static class MarkdownText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string Extract(string markdown, bool keepCode)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        if (!keepCode)
            foreach (var code in document.Descendants<CodeBlock>().ToList())
                code.Parent?.Remove(code);
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer) { EnableHtmlForBlock = false, EnableHtmlForInline = false, EnableHtmlEscape = false };
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }
}
