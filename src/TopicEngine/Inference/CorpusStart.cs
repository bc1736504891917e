using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>
/// λ's start from the training corpus (<see cref="LambdaStart.Corpus"/>, the default):
/// <code>
/// λ⁰_kw = g_kw (1 + c n_w / K),   c = <see cref="CorpusWeight"/> = 3
/// </code>
/// with g_kw ~ Gamma(100, 1/100) (the random start of <see cref="TrainingData.InitialLambda"/>, the same draws) and n_w the
/// training documents' count of term w. Every topic starts as the corpus's word frequencies with the draws' 10 % noise,
/// holding c N / K tokens (as much as c mini-batch statistics give a topic), instead of a nearly flat row over the
/// vocabulary: the first local steps then split documents by their words' co-occurrence against a sensible background,
/// not by which rare words the first mini-batch happens to hold, and the online steps forget the start as Π(1 − ρ_t)
/// (0.1 % after the hundred steps of a ten-pass fit of ten mini-batches).
/// <para>Measured against the random start (benchmarks/RESULTS.md §13l, 10 passes, one thread, no revival): held-out
/// perplexity on 20news 2,917 → 2,767 at K = 20 and 2,703 → 2,550 at K = 100 (ten seeds), AP 2,763 → 2,553 (K = 20) and
/// 2,476 → 2,303 (K = 100), a generated corpus (K = 50) 486 → 435; NPMI of the top 10 words on 20news −0.019 → +0.013
/// and −0.188 → −0.141; the same CPU time. Every c from 0.3 to 30 improves on the random start; 3 is near the best on
/// every corpus measured.</para>
/// <para>It needs a read of the training corpus before the first pass (held-out documents are left out) and a V-sized
/// count; <see cref="SviTrainer"/> reads through the pass batch cache, so a corpus the cache keeps is not read again by the
/// first pass. The result depends on the seed and the corpus, not on the thread count.</para>
/// </summary>
internal static class CorpusStart
{
    /// <summary>c: the corpus's counts that the start spreads over the topics, in multiples of the corpus.</summary>
    public const double CorpusWeight = 3;

    /// <summary>n_w: the count of every term over <paramref name="trainingBatches"/>, the training documents.</summary>
    public static double[] TermCounts(IEnumerable<SparseBatch> trainingBatches, int vocabularySize)
    {
        var termCounts = new double[vocabularySize];
        foreach (var batch in trainingBatches)
        {
            var terms = batch.TermIds;
            var counts = batch.Counts;
            for (int i = 0; i < terms.Length; i++) termCounts[terms[i]] += counts[i];
        }
        return termCounts;
    }

    /// <summary>λ⁰ (V×K term-major) for the term counts <paramref name="termCounts"/> (<see cref="TermCounts"/>).</summary>
    public static float[] Lambda(ReadOnlySpan<double> termCounts, int topics, int seed, int threads)
    {
        var lambda = TrainingData.InitialLambda(termCounts.Length, topics, seed, threads);
        for (int w = 0; w < termCounts.Length; w++)
        {
            float scale = (float)(1 + CorpusWeight * termCounts[w] / topics);
            if (scale != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(lambda.AsSpan(w * topics, topics), scale, lambda.AsSpan(w * topics, topics));
        }
        return lambda;
    }
}
