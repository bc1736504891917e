using System.Globalization;
using TopicEngine.Corpus;

namespace TopicEngine.Synthetic;

/// <summary>
/// A corpus drawn from LDA's generative process (see <see cref="SyntheticLdaOptions"/>), deterministic
/// per seed: topic k draws from its own random stream (seed, 1, k) and document d from (seed, 2, d),
/// so documents can be generated in parallel, in any batch size, and always come out the same.
/// Memory: β (K×V floats) plus its alias tables (K×V × 8 bytes); documents are never held — they are
/// regenerated on every pass, which makes this an <see cref="IBatchSource"/> for benchmarks too.
/// Document keys are the 1-based document numbers ("1", "2", …), as in the UCI docword file.
/// </summary>
internal sealed class SyntheticLda : IBatchSource
{
    private const ulong TopicStream = 1;
    private const ulong DocumentStream = 2;

    private readonly AliasTable _topicWords; // K rows of V: draws w ~ β_k
    private long _tokenCount = -1;

    public SyntheticLda(SyntheticLdaOptions options)
    {
        options.Validate();
        Options = options;
        int k = options.Topics, v = options.VocabularySize;
        // base_w ∝ 1/(w+1)^s, normalised; the Dirichlet concentration of word w is η·V·base_w.
        var concentration = new double[v];
        double z = 0;
        for (int w = 0; w < v; w++) z += concentration[w] = Math.Pow(w + 1, -options.ZipfExponent);
        for (int w = 0; w < v; w++) concentration[w] = options.Eta * v * concentration[w] / z;

        TopicWord = new float[k * v];
        _topicWords = new AliasTable(k, v);
        Parallel.For(0, k, () => (new double[v], new int[v], new int[v]), (topic, _, scratch) =>
        {
            var (doubles, small, large) = scratch;
            var rng = SyntheticRandom.For(options.Seed, TopicStream, topic);
            var beta = TopicWord.AsSpan(topic * v, v);
            rng.NextDirichlet(concentration, beta, doubles);
            _topicWords.Build(topic, beta, small, large, doubles);
            return scratch;
        }, _ => { });
    }

    public SyntheticLdaOptions Options { get; }

    /// <summary>The true topic-word distributions β: K×V, topic-major (<c>TopicWord[k*V + w]</c>), rows sum to 1.</summary>
    public float[] TopicWord { get; }

    public int DocumentCount => Options.Documents;
    public int VocabularySize => Options.VocabularySize;
    public int Topics => Options.Topics;

    /// <summary>Total tokens, from the documents' length draws alone (cheap: no words are drawn).</summary>
    public long TokenCount
    {
        get
        {
            if (_tokenCount < 0)
            {
                long total = 0;
                for (int d = 0; d < Options.Documents; d++)
                    total += DocumentRandom(d).NextPoisson(Options.DocumentLength);
                _tokenCount = total;
            }
            return _tokenCount;
        }
    }

    public IEnumerable<SparseBatch> ReadBatches(int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        for (int start = 0; start < Options.Documents; start += batchSize)
            yield return GenerateBlock(start, Math.Min(batchSize, Options.Documents - start), theta: null);
    }

    /// <summary>Draws documents [start, start+count) in parallel. With <paramref name="theta"/>
    /// (count×K, row-major) also returns their true proportions θ_d.</summary>
    public SparseBatch GenerateBlock(int start, int count, float[]? theta)
    {
        if (theta is not null && theta.Length != count * Topics) throw new ArgumentException("theta must hold count × K floats.", nameof(theta));
        var terms = new int[count][];
        var counts = new float[count][];
        Parallel.For(0, count, () => new DocumentScratch(Topics), (i, _, scratch) =>
        {
            var thetaRow = theta is null ? scratch.Theta : theta.AsSpan(i * Topics, Topics);
            (terms[i], counts[i]) = GenerateDocument(start + i, thetaRow, scratch);
            return scratch;
        }, _ => { });

        var keys = new string[count];
        var offsets = new int[count + 1];
        for (int i = 0; i < count; i++)
        {
            keys[i] = (start + i + 1).ToString(CultureInfo.InvariantCulture);
            offsets[i + 1] = offsets[i] + terms[i].Length;
        }
        var ids = new int[offsets[count]];
        var values = new float[offsets[count]];
        for (int i = 0; i < count; i++)
        {
            terms[i].CopyTo(ids, offsets[i]);
            counts[i].CopyTo(values, offsets[i]);
        }
        return new SparseBatch(keys, offsets, ids, values);
    }

    /// <summary>Draws document <paramref name="d"/>: N ~ Poisson(L), θ ~ Dirichlet(α) (written to
    /// <paramref name="theta"/>), then N tokens; returns its distinct term ids (ascending) and counts.</summary>
    public (int[] Terms, float[] Counts) GenerateDocument(int d, Span<float> theta, DocumentScratch scratch)
    {
        var rng = DocumentRandom(d);
        int length = rng.NextPoisson(Options.DocumentLength);
        rng.NextDirichlet(scratch.Alpha(Options.Alpha), theta, scratch.Doubles);
        scratch.ThetaAlias.Build(0, theta, scratch.Small, scratch.Large, scratch.Doubles);

        var tokens = scratch.Tokens(length);
        for (int n = 0; n < length; n++)
        {
            int topic = scratch.ThetaAlias.Sample(0, ref rng);
            tokens[n] = _topicWords.Sample(topic, ref rng);
        }
        tokens.Sort();

        int distinct = 0;
        for (int n = 0; n < length; n++)
            if (n == 0 || tokens[n] != tokens[n - 1]) distinct++;
        var terms = new int[distinct];
        var counts = new float[distinct];
        int at = -1;
        for (int n = 0; n < length; n++)
        {
            if (n == 0 || tokens[n] != tokens[n - 1]) terms[++at] = tokens[n];
            counts[at]++;
        }
        return (terms, counts);
    }

    private SyntheticRandom DocumentRandom(int d) => SyntheticRandom.For(Options.Seed, DocumentStream, d);

    /// <summary>Draws the whole corpus into memory (tests, small experiments).</summary>
    public static SyntheticCorpus Generate(SyntheticLdaOptions options)
    {
        var model = new SyntheticLda(options);
        var theta = new float[options.Documents * options.Topics];
        var batch = model.GenerateBlock(0, options.Documents, theta);
        var corpus = new InMemoryCorpus(options.VocabularySize);
        for (int d = 0; d < batch.DocumentCount; d++)
            corpus.Add(batch.Keys[d], batch.DocumentTerms(d).ToArray(), batch.DocumentCounts(d).ToArray());
        return new SyntheticCorpus(options, corpus, model.TopicWord, theta);
    }

    /// <summary>Per-worker buffers for <see cref="GenerateDocument"/>, rented once per thread.</summary>
    internal sealed class DocumentScratch
    {
        private readonly double[] _alpha;
        private int[] _tokens = new int[256];

        public DocumentScratch(int topics)
        {
            _alpha = new double[topics];
            Theta = new float[topics];
            Doubles = new double[topics];
            Small = new int[topics];
            Large = new int[topics];
            ThetaAlias = new AliasTable(1, topics);
        }

        public float[] Theta { get; }
        public double[] Doubles { get; }
        public int[] Small { get; }
        public int[] Large { get; }
        public AliasTable ThetaAlias { get; }

        public double[] Alpha(double alpha)
        {
            if (_alpha[0] != alpha) Array.Fill(_alpha, alpha);
            return _alpha;
        }

        public Span<int> Tokens(int length)
        {
            if (_tokens.Length < length) _tokens = new int[Math.Max(length, _tokens.Length * 2)];
            return _tokens.AsSpan(0, length);
        }
    }
}

/// <summary>A corpus drawn in memory with its truth: β (K×V, topic-major) and θ (D×K, row-major; row d is document key d+1).</summary>
internal sealed record SyntheticCorpus(SyntheticLdaOptions Options, InMemoryCorpus Corpus, float[] TopicWord, float[] DocumentTopics);
