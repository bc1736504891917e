using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace TopicEngine.Text;

/// <summary>
/// One document's analysed tokens (term, position increment, offsets, and the end state), kept so that the analysis made
/// for inference can be indexed too without analysing the text again: hand the instance to a Lucene field as its token
/// stream and it replays the tokens exactly as the chain produced them. Owned by one document; replayable any number of times.
/// </summary>
internal sealed class CapturedTokens : TokenStream
{
    private readonly ICharTermAttribute _term;
    private readonly IPositionIncrementAttribute _position;
    private readonly IOffsetAttribute _offset;
    private char[] _chars = new char[256];
    private int _charCount;
    private int[] _tokens = new int[64 * 4];   // per token: term end in _chars, position increment, start offset, end offset
    private int _count;
    private int _next;
    private int _finalPositionIncrement;
    private int _finalOffset;

    public CapturedTokens()
    {
        _term = AddAttribute<ICharTermAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
    }

    /// <summary>Tokens captured.</summary>
    public int Count => _count;

    /// <summary>Forgets every token (before capturing another document).</summary>
    public void Clear()
    {
        _charCount = _count = _next = 0;
        _finalPositionIncrement = _finalOffset = 0;
    }

    /// <summary>Adds one token: its term, position increment and offsets.</summary>
    internal void Add(ReadOnlySpan<char> term, int positionIncrement, int startOffset, int endOffset)
    {
        if (_charCount + term.Length > _chars.Length) Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + term.Length));
        term.CopyTo(_chars.AsSpan(_charCount));
        _charCount += term.Length;
        if ((_count + 1) * 4 > _tokens.Length) Array.Resize(ref _tokens, _tokens.Length * 2);
        int i = _count * 4;
        _tokens[i] = _charCount;
        _tokens[i + 1] = positionIncrement;
        _tokens[i + 2] = startOffset;
        _tokens[i + 3] = endOffset;
        _count++;
    }

    /// <summary>The state after the last token (what the chain's <c>End</c> set).</summary>
    internal void SetEnd(int finalPositionIncrement, int finalOffset)
    {
        _finalPositionIncrement = finalPositionIncrement;
        _finalOffset = finalOffset;
    }

    public override bool IncrementToken()
    {
        if (_next >= _count) return false;
        ClearAttributes();
        int i = _next * 4;
        int start = _next == 0 ? 0 : _tokens[i - 4];
        _term.CopyBuffer(_chars, start, _tokens[i] - start);
        _position.PositionIncrement = _tokens[i + 1];
        _offset.SetOffset(_tokens[i + 2], _tokens[i + 3]);
        _next++;
        return true;
    }

    public override void End()
    {
        base.End();
        _position.PositionIncrement = _finalPositionIncrement;
        _offset.SetOffset(_finalOffset, _finalOffset);
    }

    public override void Reset()
    {
        base.Reset();
        _next = 0;
    }
}
