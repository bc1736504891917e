using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace TopicEngine.Text;

/// <summary>
/// Drops tokens shorter than a minimum number of characters, except CJK tokens: an ideograph
/// bigram is a word of two characters, so a length meant for alphabetic scripts must not apply.
/// </summary>
internal sealed class MinimumLengthFilter : FilteringTokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly ITypeAttribute _type;
    private readonly int _minimum;

    public MinimumLengthFilter(LuceneVersion version, TokenStream input, int minimum) : base(version, input)
    {
        _minimum = minimum;
        _term = AddAttribute<ICharTermAttribute>();
        _type = AddAttribute<ITypeAttribute>();
    }

    protected override bool Accept() => _term.Length >= _minimum || IsCjk(_type.Type);

    private static bool IsCjk(string type) =>
        type == CJKBigramFilter.DOUBLE_TYPE || type == CJKBigramFilter.SINGLE_TYPE
        || type == StandardTokenizer.TOKEN_TYPES[StandardTokenizer.IDEOGRAPHIC]
        || type == StandardTokenizer.TOKEN_TYPES[StandardTokenizer.HIRAGANA]
        || type == StandardTokenizer.TOKEN_TYPES[StandardTokenizer.KATAKANA]
        || type == StandardTokenizer.TOKEN_TYPES[StandardTokenizer.HANGUL];
}
