using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Evaluation;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

public sealed class EvaluationDocumentCompletionTests
{
    [Fact]
    public void TokensAreSplitAlternatelyInStoredTermOrder()
    {
        // tokens: A A A B B C → positions 0..5; even (observed): A(0) A(2) B(4); odd (scored): A(1) B(3) C(5)
        var batch = new SparseBatch(["d", "empty", "one"], [0, 3, 3, 4], [7, 2, 9, 4], [3f, 2f, 1f, 1f]);
        var (observed, scored) = DocumentCompletion.Split(batch);
        int[] scoredTerms = scored.TermIds, scoredOffsets = scored.DocumentOffsets;
        var scoredCounts = scored.Counts.Select(c => (int)c).ToArray();
        Assert.Equal([7, 2], observed.DocumentTerms(0).ToArray());
        Assert.Equal([2f, 1f], observed.DocumentCounts(0).ToArray());
        Assert.Equal([7, 2, 9], scoredTerms[scoredOffsets[0]..scoredOffsets[1]]);
        Assert.Equal([1, 1, 1], scoredCounts[scoredOffsets[0]..scoredOffsets[1]]);
        Assert.Equal(0, observed.DocumentTerms(1).Length);
        Assert.Equal([4], observed.DocumentTerms(2).ToArray());
        Assert.Equal(scoredOffsets[2], scoredOffsets[3]);
    }

    [Fact]
    public void UniformSingleTopicHasPerplexityV()
    {
        const int v = 50;
        var corpus = BackendContractTests.RandomCorpus(v, 30, seed: 1);
        var uniform = Enumerable.Repeat(1f, v).ToArray();
        using var backend = new CpuBackend(1, threads: 1);
        var result = DocumentCompletion.Evaluate(uniform, 1, v, corpus, [0.5f], backend);
        Assert.Equal(v, result.Perplexity, 3);
        Assert.True(result.HeldOutTokens > 0);
    }

    [Fact]
    public void PerplexityIsTheHandComputedValueForKnownTopics()
    {
        // Two disjoint topics over four words; a document using only topic 0's words gets θ ≈ (1, 0),
        // so every scored token has probability close to β_0w.
        float[] topicWord = [0.5f, 0.5f, 0f, 0f, 0f, 0f, 0.25f, 0.75f];
        var corpus = new InMemoryCorpus(4);
        corpus.Add("d", [0, 1], [40f, 40f]);
        using var backend = new CpuBackend(2, threads: 1);
        var result = DocumentCompletion.Evaluate(topicWord, 2, 4, corpus, [0.01f, 0.01f], backend,
            new LocalStepOptions(MaxIterations: 1000, Tolerance: 1e-7f));
        Assert.Equal(40, result.HeldOutTokens);
        Assert.Equal(2.0, result.Perplexity, 2); // each scored word has p ≈ 0.5
    }

    [Fact]
    public void LambdaAndItsNormalisedTopicWordMatrixScoreTheSame()
    {
        const int v = 40, k = 5;
        var corpus = BackendContractTests.RandomCorpus(v, 30, seed: 2);
        var lambda = BackendContractTests.RandomLambda(v, k, seed: 3);
        var alpha = Enumerable.Repeat(0.2f, k).ToArray();
        using var backend = new CpuBackend(k, threads: 1);
        var fromLambda = DocumentCompletion.EvaluateLambda(lambda, k, v, corpus, alpha, backend);
        var beta = LdaMath.ExpectedTopicWord(lambda, v, k);
        var fromBeta = DocumentCompletion.Evaluate(beta, k, v, corpus, alpha, backend);
        // an unnormalised, λ-like K×V matrix is normalised first
        var scaled = beta.Select(b => b * 123f).ToArray();
        var fromScaled = DocumentCompletion.Evaluate(scaled, k, v, corpus, alpha, backend);
        Assert.Equal(fromBeta.Perplexity, fromLambda.Perplexity, 9);
        Assert.Equal(fromBeta.Perplexity, fromScaled.Perplexity, 3);
    }

    [Fact]
    public void ZeroEntriesAndUnseenWordsStayFinite()
    {
        float[] topicWord = [1f, 0f, 0f, 0f, 1f, 0f]; // word 2 has probability 0 in every topic
        var corpus = new InMemoryCorpus(3);
        corpus.Add("d", [0, 2], [2f, 2f]);
        using var backend = new CpuBackend(2, threads: 1);
        var result = DocumentCompletion.Evaluate(topicWord, 2, 3, corpus, [0.1f, 0.1f], backend);
        Assert.True(double.IsFinite(result.Perplexity));
    }

    [Fact]
    public void BadInputsAreRefused()
    {
        using var backend = new CpuBackend(2, threads: 1);
        var corpus = new InMemoryCorpus(2);
        corpus.Add("one-token", [0], [1f]);
        Assert.Contains("held-out", Assert.Throws<TopicEngineException>(() =>
            DocumentCompletion.Evaluate([1f, 1f, 1f, 1f], 2, 2, corpus, [1f, 1f], backend)).Message);
        Assert.Contains("all zeros", Assert.Throws<TopicEngineException>(() =>
            DocumentCompletion.Evaluate([0f, 0f, 1f, 1f], 2, 2, corpus, [1f, 1f], backend)).Message);
        Assert.Throws<ArgumentException>(() => DocumentCompletion.Evaluate([1f, 1f, 1f], 2, 2, corpus, [1f, 1f], backend));
    }
}

public sealed class EvaluationCoherenceTests
{
    private static InMemoryCorpus Reference()
    {
        // words 0 and 1 always together (in half the documents); 2 and 3 never together; 4 and 5 independent
        var corpus = new InMemoryCorpus(8);
        for (int d = 0; d < 16; d++)
        {
            var terms = new List<int>();
            if (d % 2 == 0) { terms.Add(0); terms.Add(1); }
            terms.Add(d % 2 == 0 ? 2 : 3);
            if (d % 4 < 2) terms.Add(4);
            if (d % 8 < 4) terms.Add(5);
            if (d == 0) terms.Add(7);
            corpus.Add($"r{d}", terms.Order().ToArray(), terms.Select(_ => 1f).ToArray());
        }
        return corpus;
    }

    [Fact]
    public void NpmiIsOneForWordsThatAlwaysCoOccurNearMinusOneForWordsThatNeverDoAndZeroForIndependentOnes()
    {
        var result = TopicCoherence.Npmi([[0, 1], [2, 3], [4, 5], [6, 7]], Reference());
        Assert.Equal(1.0, result.PerTopic[0], 6);
        // never together: only ε keeps the log finite, ln(ε / (½·½)) / −ln ε
        double eps = TopicCoherence.DefaultEpsilon;
        Assert.Equal(Math.Log(eps / 0.25) / -Math.Log(eps), result.PerTopic[1], 9);
        Assert.True(result.PerTopic[1] < -0.9);
        Assert.Equal(0.0, result.PerTopic[2], 6);
        Assert.Equal(-1.0, result.PerTopic[3], 6); // word 6 never occurs
        Assert.Equal(result.PerTopic.Average(), result.Mean, 12);
        Assert.Equal(16, result.ReferenceDocuments);
    }

    [Fact]
    public void NpmiMatchesTheFormulaForAPartialOverlap()
    {
        // words 0 (8 docs) and 4 (8 docs) share 4 documents out of 16
        var result = TopicCoherence.Npmi([[0, 4]], Reference());
        double pij = 4.0 / 16, pi = 0.5, pj = 0.5, eps = TopicCoherence.DefaultEpsilon;
        Assert.Equal(Math.Log((pij + eps) / (pi * pj)) / -Math.Log(pij + eps), result.PerTopic[0], 9);
    }

    [Fact]
    public void TopTermsAreMostProbableFirstWithTiesByTermId()
    {
        float[] topicWord = [0.1f, 0.4f, 0.1f, 0.4f, 0f, 0.3f, 0.2f, 0.5f, 0f, 0f];
        var top = TopicCoherence.TopTerms(topicWord, 2, 5, 3);
        Assert.Equal([1, 3, 0], top[0]);
        Assert.Equal([2, 0, 1], top[1]);
        Assert.Equal(5, TopicCoherence.TopTerms(topicWord, 2, 5, 10)[0].Length);
    }

    [Fact]
    public void DiversityIsTheUniqueFractionOfTopTerms()
    {
        Assert.Equal(1.0, TopicCoherence.Diversity([[0, 1], [2, 3]]));
        Assert.Equal(0.5, TopicCoherence.Diversity([[0, 1], [1, 0]]));
        Assert.Equal(0.75, TopicCoherence.Diversity([[0, 1], [1, 2]]));
    }
}

public sealed class EvaluationHungarianAssignmentTests
{
    [Fact]
    public void FindsTheMinimumCostPermutation()
    {
        var random = new Random(42);
        for (int trial = 0; trial < 30; trial++)
        {
            int n = 1 + trial % 6;
            var cost = new double[n, n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) cost[i, j] = random.Next(0, 20) - 5 * random.NextDouble();
            var assignment = HungarianAssignment.Solve(cost);
            Assert.Equal(Enumerable.Range(0, n), assignment.Order());
            double best = Permutations(Enumerable.Range(0, n).ToArray()).Min(p => p.Select((j, i) => cost[i, j]).Sum());
            Assert.Equal(best, assignment.Select((j, i) => cost[i, j]).Sum(), 9);
        }
    }

    [Fact]
    public void MatchesPermutedTopicsByCosine()
    {
        float[] truth = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        float[] learned = [0, 0.1f, 0.9f, 0.8f, 0.2f, 0, 0, 1, 0];
        var match = HungarianAssignment.MatchByCosine(truth, learned, 3, 3);
        Assert.Equal([1, 2, 0], match.Select(m => m.Learned));
        Assert.All(match, m => Assert.True(m.Cosine > 0.9));
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return [items[i], .. rest];
    }
}
