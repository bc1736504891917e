using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>
/// Which documents are held out, λ's random start, and the re-chunking of a corpus into training
/// mini-batches: the deterministic, seed-driven parts of a fit.
/// </summary>
internal static class TrainingData
{
    /// <summary>
    /// Chooses round(fraction × D) documents (at least 1 when fraction &gt; 0 and D ≥ 2, at most
    /// <paramref name="maxDocuments"/> and D − 1) uniformly by <paramref name="seed"/> (Floyd's algorithm).
    /// Returns a mask indexed by document position in the corpus.
    /// </summary>
    public static bool[] ChooseHeldOut(int documents, double fraction, int maxDocuments, int seed)
    {
        var mask = new bool[documents];
        if (fraction <= 0 || documents < 2) return mask;
        int count = (int)Math.Min(Math.Min(Math.Round(fraction * documents, MidpointRounding.AwayFromZero), maxDocuments), documents - 1);
        count = Math.Max(count, maxDocuments > 0 ? 1 : 0);
        var random = new Random(unchecked(seed * 31 + 17));
        for (int j = documents - count; j < documents; j++)
        {
            int r = random.Next(j + 1);
            if (mask[r]) mask[j] = true;
            else mask[r] = true;
        }
        return mask;
    }

    /// <summary>Documents a fit trains on (those <see cref="ChooseHeldOut"/> does not hold out).</summary>
    public static int TrainingDocuments(int documents, TrainingOptions options) =>
        documents - ChooseHeldOut(documents, options.HoldoutFraction, options.MaxHoldoutDocuments, options.Seed).Count(h => h);

    /// <summary>
    /// Re-deals <paramref name="batches"/> (training mini-batches in corpus order, all of <paramref name="batchSize"/> documents
    /// but the last) in a random order drawn from <paramref name="seed"/> and <paramref name="pass"/>: whole incoming batches
    /// are gathered until they hold <paramref name="windowNonZeros"/> term entries (or the corpus ends), the window's documents
    /// are permuted (Fisher–Yates) and dealt out as mini-batches of <paramref name="batchSize"/>. A window holds whole batches,
    /// so every mini-batch but the pass's last is full and a pass has as many as in corpus order; the same seed and pass give
    /// the same batches (a resumed fit skips the ones it has done).
    /// </summary>
    public static IEnumerable<SparseBatch> Shuffled(IEnumerable<SparseBatch> batches, int batchSize, int seed, int pass, long windowNonZeros)
    {
        var window = new List<SparseBatch>();
        long nonZeros = 0;
        int windowIndex = 0;
        int passSeed = unchecked(seed * 7919 + pass);
        foreach (var batch in batches)
        {
            window.Add(batch);
            nonZeros += batch.NonZeroCount;
            if (nonZeros < windowNonZeros) continue;
            foreach (var shuffled in Deal(window, batchSize, new Random(ChunkSeed(passSeed, windowIndex++)))) yield return shuffled;
            window.Clear();
            nonZeros = 0;
        }
        if (window.Count > 0)
            foreach (var shuffled in Deal(window, batchSize, new Random(ChunkSeed(passSeed, windowIndex)))) yield return shuffled;
    }

    /// <summary>Permutes the documents of <paramref name="window"/> and copies them out in batches of <paramref name="batchSize"/>.</summary>
    private static IEnumerable<SparseBatch> Deal(List<SparseBatch> window, int batchSize, Random random)
    {
        var order = new List<(int Batch, int Document)>();
        for (int b = 0; b < window.Count; b++)
            for (int d = 0; d < window[b].DocumentCount; d++) order.Add((b, d));
        for (int i = order.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        for (int start = 0; start < order.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Count - start);
            var keys = new string[count];
            var offsets = new int[count + 1];
            for (int i = 0; i < count; i++)
            {
                var (b, d) = order[start + i];
                keys[i] = window[b].Keys[d];
                offsets[i + 1] = offsets[i] + window[b].DocumentTerms(d).Length;
            }
            var terms = new int[offsets[count]];
            var counts = new float[offsets[count]];
            for (int i = 0; i < count; i++)
            {
                var (b, d) = order[start + i];
                window[b].DocumentTerms(d).CopyTo(terms.AsSpan(offsets[i]));
                window[b].DocumentCounts(d).CopyTo(counts.AsSpan(offsets[i]));
            }
            yield return new SparseBatch(keys, offsets, terms, counts);
        }
    }

    /// <summary>Entries of λ's start drawn from one stream of <see cref="GammaDraws"/> (stream c draws entries c·4096 …).</summary>
    public const int StartChunk = 4096;

    /// <summary>
    /// λ's random start (<see cref="LambdaStart.Random"/>): every entry drawn from Gamma(shape 100, scale 1/100) as gensim does, by <paramref name="seed"/>
    /// (<see cref="GammaDraws"/>). Entries are drawn in chunks of 4096, each its own stream seeded by (seed, chunk), so the result does not depend
    /// on the thread count. Returns V×K term-major.
    /// </summary>
    public static float[] InitialLambda(int vocabularySize, int topics, int seed, int threads)
    {
        var lambda = new float[(long)vocabularySize * topics];
        int chunks = (int)((lambda.Length + StartChunk - 1) / StartChunk);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, c =>
        {
            var draws = new GammaDraws(seed, c);
            int end = (int)Math.Min(lambda.Length, (long)(c + 1) * StartChunk);
            for (int i = c * StartChunk; i < end; i++) lambda[i] = (float)(draws.NextGamma100() / 100);
        });
        return lambda;
    }

    /// <summary>A fixed mix of the seed and the chunk index (SplitMix64 finaliser); unlike HashCode, the same in every process.</summary>
    private static int ChunkSeed(int seed, int chunk) => SplitMix(unchecked(((ulong)(uint)seed << 32 | (uint)chunk) + SplitMix64.Increment));

    /// <summary>SplitMix64's finaliser of <paramref name="z"/>, as a non-negative <see cref="Random"/> seed: the same in every process.</summary>
    internal static int SplitMix(ulong z) => (int)(SplitMix64.Finalise(z) & 0x7FFFFFFF);

    /// <summary>
    /// Reads <paramref name="corpus"/> in order and yields its training documents (mask false) in batches of exactly
    /// <paramref name="batchSize"/> (the last may be smaller). Held-out documents are added to
    /// <paramref name="heldOut"/> when it is given.
    /// </summary>
    public static IEnumerable<SparseBatch> TrainingBatches(IBatchSource corpus, bool[] heldOutMask, int batchSize, InMemoryCorpus? heldOut)
    {
        var keys = new List<string>(batchSize);
        var offsets = new List<int>(batchSize + 1) { 0 };
        var terms = new List<int>();
        var counts = new List<float>();
        int index = 0;
        foreach (var batch in corpus.ReadBatches(batchSize))
        {
            if (index + batch.DocumentCount > heldOutMask.Length)
                throw new TopicEngineException($"the corpus yielded more documents than the {heldOutMask.Length} it declared.");
            // A whole batch of training documents that starts a mini-batch is one already: pass it on without copying.
            if (keys.Count == 0 && batch.DocumentCount == batchSize && Array.IndexOf(heldOutMask, true, index, batch.DocumentCount) < 0)
            {
                index += batch.DocumentCount;
                yield return batch;
                continue;
            }
            for (int d = 0; d < batch.DocumentCount; d++, index++)
            {
                if (heldOutMask[index])
                {
                    heldOut?.Add(batch.Keys[d], batch.DocumentTerms(d).ToArray(), batch.DocumentCounts(d).ToArray());
                    continue;
                }
                keys.Add(batch.Keys[d]);
                terms.AddRange(batch.DocumentTerms(d));
                counts.AddRange(batch.DocumentCounts(d));
                offsets.Add(terms.Count);
                if (keys.Count == batchSize)
                {
                    yield return new SparseBatch(keys.ToArray(), offsets.ToArray(), terms.ToArray(), counts.ToArray());
                    keys.Clear(); offsets.Clear(); offsets.Add(0); terms.Clear(); counts.Clear();
                }
            }
        }
        if (keys.Count > 0) yield return new SparseBatch(keys.ToArray(), offsets.ToArray(), terms.ToArray(), counts.ToArray());
    }
}
