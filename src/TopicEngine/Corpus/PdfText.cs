using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Exceptions;

namespace TopicEngine.Corpus;

/// <summary>
/// PDF → the words of every page in reading order (PdfPig's default word extractor), a line per page. An encrypted
/// PDF, or one whose pages hold no text (scanned images), gives no text and a reason instead.
/// </summary>
internal static class PdfText
{
    /// <summary>The skip reason for an encrypted PDF.</summary>
    public const string Encrypted = "encrypted PDF";

    /// <summary>The skip reason for a PDF with no text layer.</summary>
    public const string ImageOnly = "PDF without text (image-only)";

    /// <summary>The text, or null with <paramref name="skipReason"/> set; a damaged file throws.</summary>
    public static string? Extract(byte[] bytes, out string? skipReason)
    {
        skipReason = null;
        PdfDocument document;
        try { document = PdfDocument.Open(bytes); }
        catch (PdfDocumentEncryptedException)
        {
            skipReason = Encrypted;
            return null;
        }
        using (document)
        {
            if (document.IsEncrypted)
            {
                skipReason = Encrypted;
                return null;
            }
            var text = new StringBuilder();
            bool anyText = false;
            foreach (var page in document.GetPages())
            {
                foreach (var word in page.GetWords())
                {
                    if (string.IsNullOrWhiteSpace(word.Text)) continue;
                    anyText = true;
                    text.Append(word.Text).Append(' ');
                }
                text.Append('\n');
            }
            if (!anyText)
            {
                skipReason = ImageOnly;
                return null;
            }
            return text.ToString();
        }
    }
}
