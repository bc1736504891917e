using System.Text.RegularExpressions;
using Lucene.Net.Analysis.Pattern;

namespace TopicEngine.Text;

/// <summary>
/// Blanks out file-system paths (<c>/usr/share/doc/lame/html/basic.html</c>, <c>~/.procmailrc</c>, <c>../lib/x</c>) before
/// tokenization. The tokenizer splits a path at every slash, so its parts (<c>usr</c>, <c>share</c>, <c>html</c>) would
/// each become a word; like a file name, a path names a place, not a topic. A path here is two or more slash-separated
/// parts that start at a slash, <c>~/</c> or <c>./</c>, not after a letter or digit (so <c>and/or</c> and <c>1/2</c> stay).
/// </summary>
internal static partial class FilePathCharFilter
{
    [GeneratedRegex(@"(?<![\w/.~:])(?:~|\.{1,2})?/(?:[\w.+-]+/)+[\w.+-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Path();

    /// <summary>The text of <paramref name="reader"/> with every path replaced by a space.</summary>
    public static TextReader Create(TextReader reader) => new PatternReplaceCharFilter(Path(), " ", reader);
}
