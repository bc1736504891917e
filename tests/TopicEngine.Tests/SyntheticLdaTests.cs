using TopicEngine.Synthetic;

namespace TopicEngine.Tests;

public sealed class SyntheticLdaTests
{
    private static SyntheticLdaOptions Small(long seed = 3) => new()
    {
        Documents = 600, VocabularySize = 400, Topics = 6, DocumentLength = 80, Seed = seed,
    };

    [Fact]
    public void SameSeedGivesTheSameCorpusAndTruth()
    {
        var a = SyntheticLda.Generate(Small());
        var b = SyntheticLda.Generate(Small());
        Assert.Equal(a.TopicWord, b.TopicWord);
        Assert.Equal(a.DocumentTopics, b.DocumentTopics);
        var batchA = a.Corpus.Slice(0, a.Corpus.DocumentCount);
        var batchB = b.Corpus.Slice(0, b.Corpus.DocumentCount);
        Assert.Equal(batchA.DocumentOffsets, batchB.DocumentOffsets);
        Assert.Equal(batchA.TermIds, batchB.TermIds);
        Assert.Equal(batchA.Counts, batchB.Counts);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentCorpora()
    {
        var a = SyntheticLda.Generate(Small(seed: 3));
        var b = SyntheticLda.Generate(Small(seed: 4));
        Assert.NotEqual(a.TopicWord, b.TopicWord);
        Assert.NotEqual(a.Corpus.Slice(0, 50).TermIds, b.Corpus.Slice(0, 50).TermIds);
    }

    [Fact]
    public void BatchesDoNotDependOnBatchSizeAndKeepCsrInvariants()
    {
        var options = Small();
        var whole = SyntheticLda.Generate(options).Corpus.Slice(0, options.Documents);
        var model = new SyntheticLda(options);
        var terms = new List<int>();
        var keys = new List<string>();
        foreach (var batch in model.ReadBatches(77))
        {
            batch.Validate(options.VocabularySize);
            terms.AddRange(batch.TermIds);
            keys.AddRange(batch.Keys);
        }
        Assert.Equal(whole.TermIds, terms);
        Assert.Equal(whole.Keys, keys);
        Assert.Equal("1", keys[0]);
        Assert.Equal(whole.TokenCount, model.TokenCount);
    }

    [Fact]
    public void MeanDocumentLengthIsThePoissonMean()
    {
        var options = Small() with { Documents = 4000, DocumentLength = 230 };
        var model = new SyntheticLda(options);
        var lengths = model.ReadBatches(1000)
            .SelectMany(b => Enumerable.Range(0, b.DocumentCount).Select(d => b.DocumentCounts(d).ToArray().Sum()))
            .Select(x => (double)x).ToArray();
        double mean = lengths.Average();
        double variance = lengths.Select(x => (x - mean) * (x - mean)).Average();
        Assert.InRange(mean, 230 * 0.98, 230 * 1.02);
        Assert.InRange(variance, 230 * 0.85, 230 * 1.15); // Poisson: variance = mean
    }

    [Fact]
    public void TruthIsNormalised()
    {
        var s = SyntheticLda.Generate(Small());
        int k = s.Options.Topics, v = s.Options.VocabularySize;
        for (int t = 0; t < k; t++)
            Assert.Equal(1.0, s.TopicWord.AsSpan(t * v, v).ToArray().Sum(x => (double)x), 4);
        for (int d = 0; d < s.Options.Documents; d++)
            Assert.Equal(1.0, s.DocumentTopics.AsSpan(d * k, k).ToArray().Sum(x => (double)x), 4);
    }

    [Fact]
    public void WordFrequenciesOfSingleTopicDocumentsMatchTheirTopic()
    {
        // With a tiny α almost every document draws from one topic: pool the counts of the
        // documents whose dominant θ exceeds 0.99 and compare with that topic's β.
        var options = new SyntheticLdaOptions
        {
            Documents = 3000, VocabularySize = 300, Topics = 5, DocumentLength = 100, Alpha = 0.005, Eta = 0.05, Seed = 21,
        };
        var s = SyntheticLda.Generate(options);
        int k = options.Topics, v = options.VocabularySize;
        var pooled = new double[k * v];
        var batch = s.Corpus.Slice(0, options.Documents);
        for (int d = 0; d < options.Documents; d++)
        {
            var theta = s.DocumentTopics.AsSpan(d * k, k);
            int top = 0;
            for (int t = 1; t < k; t++) if (theta[t] > theta[top]) top = t;
            if (theta[top] < 0.99f) continue;
            var terms = batch.DocumentTerms(d);
            var counts = batch.DocumentCounts(d);
            for (int i = 0; i < terms.Length; i++) pooled[top * v + terms[i]] += counts[i];
        }
        for (int t = 0; t < k; t++)
        {
            Assert.True(TotalVariation(pooled, t, s.TopicWord, t, v) < 0.05, $"topic {t} differs from its documents' words");
            // The comparison can fail: another topic's β is far from these counts.
            Assert.True(TotalVariation(pooled, t, s.TopicWord, (t + 1) % k, v) > 0.3);
        }
    }

    [Fact]
    public void CorpusWordFrequenciesMatchThetaTimesBeta()
    {
        // E[n_w] = Σ_d N_d Σ_k θ_dk β_kw for every word, whatever α is.
        var s = SyntheticLda.Generate(Small() with { Documents = 2000 });
        int k = s.Options.Topics, v = s.Options.VocabularySize;
        var batch = s.Corpus.Slice(0, s.Options.Documents);
        var observed = new double[v];
        var expected = new double[v];
        for (int d = 0; d < s.Options.Documents; d++)
        {
            var terms = batch.DocumentTerms(d);
            var counts = batch.DocumentCounts(d);
            double length = 0;
            for (int i = 0; i < terms.Length; i++) { observed[terms[i]] += counts[i]; length += counts[i]; }
            for (int t = 0; t < k; t++)
            {
                double weight = length * s.DocumentTopics[d * k + t];
                for (int w = 0; w < v; w++) expected[w] += weight * s.TopicWord[t * v + w];
            }
        }
        double total = observed.Sum();
        double tv = 0.5 * Enumerable.Range(0, v).Sum(w => Math.Abs(observed[w] - expected[w])) / total;
        Assert.True(tv < 0.03, $"total variation {tv}");
    }

    [Fact]
    public void ZipfBaseMakesLowIdsMoreFrequent()
    {
        var s = SyntheticLda.Generate(Small() with { Documents = 2000, Topics = 20 });
        var batch = s.Corpus.Slice(0, s.Options.Documents);
        double head = 0, tail = 0;
        for (int i = 0; i < batch.NonZeroCount; i++)
        {
            if (batch.TermIds[i] < 40) head += batch.Counts[i];
            else if (batch.TermIds[i] >= 360) tail += batch.Counts[i];
        }
        Assert.True(head > 5 * tail, $"head {head}, tail {tail}");
    }

    private static double TotalVariation(double[] counts, int row, float[] beta, int topic, int v)
    {
        double total = 0;
        for (int w = 0; w < v; w++) total += counts[row * v + w];
        double tv = 0;
        for (int w = 0; w < v; w++) tv += Math.Abs(counts[row * v + w] / total - beta[topic * v + w]);
        return tv / 2;
    }

    [Fact]
    public void BadOptionsNameTheFlag()
    {
        var e = Assert.Throws<TopicEngineException>(() => new SyntheticLda(Small() with { Topics = 0 }));
        Assert.Contains("--topics", e.Message);
        e = Assert.Throws<TopicEngineException>(() => new SyntheticLda(Small() with { Alpha = -1 }));
        Assert.Contains("--alpha", e.Message);
    }
}
