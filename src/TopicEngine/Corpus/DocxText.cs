using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace TopicEngine.Corpus;

/// <summary>Word (.docx) → the text of the main document's paragraphs, table cells included (Open XML SDK), a line per paragraph.</summary>
internal static class DocxText
{
    public static string Extract(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var document = WordprocessingDocument.Open(stream, isEditable: false);
        var body = document.MainDocumentPart?.Document?.Body
            ?? throw new InvalidDataException("no main document part");
        var text = new StringBuilder();
        foreach (var paragraph in body.Descendants<Paragraph>())
            text.Append(paragraph.InnerText).Append('\n');
        return text.ToString();
    }
}
