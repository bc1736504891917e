using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace TopicEngine.Text;

/// <summary>Drops tokens that contain no letter at all: numbers (42, 3.14, 1,000), dates, times, version strings.</summary>
internal sealed class NumberFilter : FilteringTokenFilter
{
    private readonly ICharTermAttribute _term;

    public NumberFilter(LuceneVersion version, TokenStream input) : base(version, input) =>
        _term = AddAttribute<ICharTermAttribute>();

    protected override bool Accept()
    {
        foreach (char c in _term.Buffer.AsSpan(0, _term.Length))
            if (char.IsLetter(c)) return true;
        return false;
    }
}
