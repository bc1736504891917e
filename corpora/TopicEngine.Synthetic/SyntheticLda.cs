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
        // One scratch per worker (not per task): topics w, w+workers, … go to worker w.
        int workers = Math.Min(k, Environment.ProcessorCount);
        Parallel.For(0, workers, worker =>
        {
            var doubles = new double[v];
            var small = new int[v];
            var large = new int[v];
            for (int topic = worker; topic < k; topic += workers)
            {
                var rng = SyntheticRandom.For(options.Seed, TopicStream, topic);
                var beta = TopicWord.AsSpan(topic * v, v);
                rng.NextDirichlet(concentration, beta, doubles);
                _topicWords.Build(topic, beta, small, large, doubles);
            }
        });
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
        var block = new SyntheticBlock();
        for (int start = 0; start < Options.Documents; start += batchSize)
        {
            GenerateBlock(start, Math.Min(batchSize, Options.Documents - start), block);
            yield return block.ToBatch();
        }
    }

    /// <summary>Draws documents [start, start+count) in parallel into <paramref name="block"/>
    /// (whose buffers are reused from block to block): CSR rows, true θ and token count.</summary>
    public void GenerateBlock(int start, int count, SyntheticBlock block)
    {
        if (start < 0 || count < 0 || start + count > Options.Documents) throw new ArgumentOutOfRangeException(nameof(count));
        // Lengths first (each document's first draw): document i may use arena slots
        // [lengthOffsets[i], lengthOffsets[i+1]) for its tokens, then its distinct terms.
        block.Reset(start, count, Topics);
        var lengthOffsets = block.LengthOffsets;
        for (int i = 0; i < count; i++)
            lengthOffsets[i + 1] = lengthOffsets[i] + DocumentRandom(start + i).NextPoisson(Options.DocumentLength);
        block.EnsureArena(lengthOffsets[count]);

        var distinct = block.Distinct;
        Parallel.For(0, count, () => new DocumentScratch(Topics), (i, _, scratch) =>
        {
            int at = lengthOffsets[i], length = lengthOffsets[i + 1] - at;
            distinct[i] = GenerateDocument(start + i, block.Theta.AsSpan(i * Topics, Topics),
                block.Terms.AsSpan(at, length), block.Counts.AsSpan(at, length), scratch);
            return scratch;
        }, _ => { });

        // Compact the arena into CSR: rows only move left, in increasing order.
        var offsets = block.Offsets;
        for (int i = 0; i < count; i++)
        {
            offsets[i + 1] = offsets[i] + distinct[i];
            Array.Copy(block.Terms, lengthOffsets[i], block.Terms, offsets[i], distinct[i]);
            Array.Copy(block.Counts, lengthOffsets[i], block.Counts, offsets[i], distinct[i]);
        }
        block.Tokens = lengthOffsets[count];
    }

    /// <summary>Draws document <paramref name="d"/>: N ~ Poisson(L) (N = <paramref name="terms"/>.Length),
    /// θ ~ Dirichlet(α) into <paramref name="theta"/>, then N tokens z ~ θ, w ~ β_z. Writes its distinct
    /// term ids (ascending) and their counts to the front of <paramref name="terms"/> and
    /// <paramref name="counts"/> and returns how many there are.</summary>
    public int GenerateDocument(int d, Span<float> theta, Span<int> terms, Span<float> counts, DocumentScratch scratch)
    {
        var rng = DocumentRandom(d);
        int length = rng.NextPoisson(Options.DocumentLength);
        if (length != terms.Length) throw new ArgumentException("terms must have the document's length.", nameof(terms));
        rng.NextDirichlet(scratch.Alpha(Options.Alpha), theta, scratch.Doubles);
        scratch.ThetaAlias.Build(0, theta, scratch.Small, scratch.Large, scratch.Doubles);

        for (int n = 0; n < length; n++)
        {
            int topic = scratch.ThetaAlias.Sample(0, ref rng);
            terms[n] = _topicWords.Sample(topic, ref rng);
        }
        terms.Sort();

        // Run-length encode in place: position `at` never overtakes n.
        int at = -1;
        for (int n = 0; n < length; n++)
        {
            if (n == 0 || terms[n] != terms[at])
            {
                terms[++at] = terms[n];
                counts[at] = 0;
            }
            counts[at]++;
        }
        return at + 1;
    }

    private SyntheticRandom DocumentRandom(int d) => SyntheticRandom.For(Options.Seed, DocumentStream, d);

    /// <summary>Draws the whole corpus into memory (tests, small experiments).</summary>
    public static SyntheticCorpus Generate(SyntheticLdaOptions options)
    {
        var model = new SyntheticLda(options);
        var block = new SyntheticBlock();
        model.GenerateBlock(0, options.Documents, block);
        var batch = block.ToBatch();
        var corpus = new InMemoryCorpus(options.VocabularySize);
        for (int d = 0; d < batch.DocumentCount; d++)
            corpus.Add(batch.Keys[d], batch.DocumentTerms(d).ToArray(), batch.DocumentCounts(d).ToArray());
        return new SyntheticCorpus(options, corpus, model.TopicWord, block.Theta[..(options.Documents * options.Topics)]);
    }

    /// <summary>Per-worker buffers for <see cref="GenerateDocument"/>, rented once per thread.</summary>
    internal sealed class DocumentScratch
    {
        private readonly double[] _alpha;

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
    }
}

/// <summary>A corpus drawn in memory with its truth: β (K×V, topic-major) and θ (D×K, row-major; row d is document key d+1).</summary>
internal sealed record SyntheticCorpus(SyntheticLdaOptions Options, InMemoryCorpus Corpus, float[] TopicWord, float[] DocumentTopics);

/// <summary>
/// One block of generated documents in reusable buffers (grown, never shrunk): CSR rows in
/// <see cref="Offsets"/>/<see cref="Terms"/>/<see cref="Counts"/> (valid up to <see cref="NonZeros"/>),
/// θ in <see cref="Theta"/> (Count×K, row-major). Reusing it keeps the generator's garbage near zero.
/// </summary>
internal sealed class SyntheticBlock
{
    public int Start { get; private set; }
    public int Count { get; private set; }
    public long Tokens { get; internal set; }
    public int[] Offsets { get; private set; } = [0];
    public int[] Terms { get; private set; } = [];
    public float[] Counts { get; private set; } = [];
    public float[] Theta { get; private set; } = [];
    internal int[] LengthOffsets { get; private set; } = [0];
    internal int[] Distinct { get; private set; } = [];
    public int NonZeros => Offsets[Count];

    internal void Reset(int start, int count, int topics)
    {
        Start = start;
        Count = count;
        if (Offsets.Length < count + 1)
        {
            Offsets = new int[count + 1];
            LengthOffsets = new int[count + 1];
            Distinct = new int[count];
        }
        if (Theta.Length < count * topics) Theta = new float[count * topics];
        Offsets[0] = 0;
        LengthOffsets[0] = 0;
    }

    internal void EnsureArena(int tokens)
    {
        if (Terms.Length >= tokens) return;
        int size = Math.Max(tokens, Terms.Length + Terms.Length / 2);
        Terms = new int[size];
        Counts = new float[size];
    }

    /// <summary>The block as a <see cref="SparseBatch"/> with its own exact-size arrays; keys are the 1-based document numbers.</summary>
    public SparseBatch ToBatch()
    {
        var keys = new string[Count];
        for (int i = 0; i < Count; i++) keys[i] = (Start + i + 1).ToString(CultureInfo.InvariantCulture);
        return new SparseBatch(keys, Offsets[..(Count + 1)], Terms[..NonZeros], Counts[..NonZeros]);
    }
}
