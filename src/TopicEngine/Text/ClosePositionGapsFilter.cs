using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace TopicEngine.Text;

/// <summary>
/// Sets every position increment to 1, closing the holes that removed stop words leave, so that
/// word n-grams are built over the kept words ("bank of america" gives "bank america", as
/// scikit-learn does) instead of carrying filler tokens.
/// </summary>
internal sealed class ClosePositionGapsFilter : TokenFilter
{
    private readonly IPositionIncrementAttribute _increment;

    public ClosePositionGapsFilter(TokenStream input) : base(input) =>
        _increment = AddAttribute<IPositionIncrementAttribute>();

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken()) return false;
        if (_increment.PositionIncrement > 1) _increment.PositionIncrement = 1;
        return true;
    }
}
