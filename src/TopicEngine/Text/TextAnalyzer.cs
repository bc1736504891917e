using Lucene.Net.Analysis.TokenAttributes;

namespace TopicEngine.Text;

/// <summary>Receives each term of a document; the span is valid only during the call.</summary>
internal interface ITermSink
{
    void Add(ReadOnlySpan<char> term);
}

/// <summary>
/// Turns text into terms with the Lucene chain that <see cref="AnalyzerSettings"/> describes.
/// One instance serves any number of threads at once (Lucene keeps a token stream per thread);
/// terms are handed out as spans over Lucene's term buffer, so counting allocates no strings.
/// </summary>
internal sealed class TextAnalyzer : IDisposable
{
    private const string Field = "text";
    private readonly AnalysisChain _chain;

    public TextAnalyzer(AnalyzerSettings settings)
    {
        Settings = settings;
        _chain = new AnalysisChain(settings);
    }

    public AnalyzerSettings Settings { get; }

    /// <summary>Feeds every term of <paramref name="text"/> to <paramref name="sink"/>, in order. Returns the number of terms.</summary>
    public int Analyze<TSink>(string text, TSink sink) where TSink : ITermSink
    {
        if (text.Length == 0) return 0;
        int terms = 0;
        using var stream = _chain.GetTokenStream(Field, text);
        var term = stream.GetAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            sink.Add(term.Buffer.AsSpan(0, term.Length));
            terms++;
        }
        stream.End();
        return terms;
    }

    /// <summary>As <see cref="Analyze{TSink}(string, TSink)"/>, and keeps every token with its position and offsets in
    /// <paramref name="capture"/> (cleared first), to be indexed without analysing the text again.</summary>
    public int Analyze<TSink>(string text, TSink sink, CapturedTokens capture) where TSink : ITermSink
    {
        capture.Clear();
        if (text.Length == 0) return 0;
        int terms = 0;
        using var stream = _chain.GetTokenStream(Field, text);
        var term = stream.GetAttribute<ICharTermAttribute>();
        var position = stream.AddAttribute<IPositionIncrementAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var span = term.Buffer.AsSpan(0, term.Length);
            sink.Add(span);
            capture.Add(span, position.PositionIncrement, offset.StartOffset, offset.EndOffset);
            terms++;
        }
        stream.End();
        capture.SetEnd(position.PositionIncrement, offset.EndOffset);
        return terms;
    }

    /// <summary>The terms of <paramref name="text"/> as strings, in order (tests, diagnostics, the API).</summary>
    public List<string> Terms(string text)
    {
        var sink = new ListSink();
        Analyze(text, sink);
        return sink.Terms;
    }

    public void Dispose() => _chain.Dispose();

    private sealed class ListSink : ITermSink
    {
        public List<string> Terms { get; } = new();
        public void Add(ReadOnlySpan<char> term) => Terms.Add(term.ToString());
    }
}
