using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace TopicEngine.Text;

/// <summary>
/// Drops the tokens that <see cref="UAX29URLEmailTokenizer"/> typed as a URL (with a scheme, or a bare host name such
/// as <c>docs.python.org</c>) or an e-mail address: they name places, not topics.
/// </summary>
internal sealed class UrlEmailFilter : FilteringTokenFilter
{
    private static readonly string Url = UAX29URLEmailTokenizer.TOKEN_TYPES[UAX29URLEmailTokenizer.URL];
    private static readonly string Email = UAX29URLEmailTokenizer.TOKEN_TYPES[UAX29URLEmailTokenizer.EMAIL];
    private readonly ITypeAttribute _type;

    public UrlEmailFilter(LuceneVersion version, TokenStream input) : base(version, input) => _type = AddAttribute<ITypeAttribute>();

    protected override bool Accept() => _type.Type != Url && _type.Type != Email;
}
