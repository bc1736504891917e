using System.Runtime.InteropServices;
using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>
/// The contract every <see cref="ILdaBackend"/> must keep, checked against <see cref="ReferenceBackend"/>.
/// Add a backend by deriving a sealed class that implements <see cref="CreateBackend"/> (and, if its
/// arithmetic is looser, overrides <see cref="RelativeTolerance"/>).
/// </summary>
public abstract class BackendContractTests
{
    /// <summary>Creates the backend under test for K topics.</summary>
    internal abstract ILdaBackend CreateBackend(int topics);

    /// <summary>Allowed |a − b| / max(|b|, 1) against the reference for γ, statistics and λ; the bound uses it relative to |b|.</summary>
    protected virtual double RelativeTolerance => 1e-4;

    /// <summary>Allowed |a − b| / |b| of <see cref="ILdaBackend.TopicWordBound"/>, <see cref="ILdaBackend.SumElogBeta"/> and
    /// <see cref="ILdaBackend.CompletionLogLikelihood"/> against the reference. 0 demands the same double bit for bit:
    /// the CPU backends call the same host functions (<c>LdaMath</c>, <c>DirichletPriors</c>) as the reference.</summary>
    protected virtual double ModelSumTolerance => 0;

    /// <summary>The same for <see cref="ILdaBackend.TopicWordBound"/> alone (a backend may evaluate its ψ and lnΓ its own way).</summary>
    protected virtual double TopicWordBoundTolerance => ModelSumTolerance;

    /// <summary>Rounds of the first-use race test; a slow backend (ILGPU's CPU accelerator) may lower it.</summary>
    protected virtual int ConcurrencyRounds => 100;

    /// <summary>Shapes that break vectorised code.</summary>
    public static TheoryData<int> TopicCounts => new() { 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33 };

    /// <summary>K for the reductions over λ: one topic, fewer topics than a (simulated) warp, and counts just past
    /// multiples of 16 and 32.</summary>
    public static TheoryData<int> ModelSumTopicCounts => new() { 1, 3, 17, 33 };

    /// <summary>Local-step settings for the comparisons: run (nearly) to convergence. A backend on a
    /// slow simulator may stop earlier (its γ then differs from the reference by about the tolerance).</summary>
    private protected virtual LocalStepOptions Converged => new(MaxIterations: 3000, Tolerance: 1e-6f);

    /// <summary>Local steps each of the 8 concurrent callers makes in the thread-safety test.</summary>
    private protected virtual int ThreadSafetyRepeats => 5;

    /// <summary>Local-step settings of the tests that do not compare against the reference (thread safety, determinism,
    /// finite outputs). A backend on a slow simulator may cap the iterations: the checks (equal results, finite values)
    /// do not depend on convergence.</summary>
    private protected virtual LocalStepOptions Quick => LocalStepOptions.Default;

    /// <summary>Documents a test generates where it asks for <paramref name="documents"/>. A backend on a slow simulator
    /// (ILGPU's CPU accelerator at warp 32, where every barrier costs OS-thread synchronisation of 256 threads) may
    /// take fewer; every corpus keeps its empty and one-word documents and at least two longer ones.</summary>
    private protected virtual int Documents(int documents) => documents;

    internal static InMemoryCorpus RandomCorpus(int vocabularySize, int documents, int seed, int maxDistinctTerms = 30)
    {
        var random = new Random(seed);
        var corpus = new InMemoryCorpus(vocabularySize);
        corpus.Add("empty", [], []);
        corpus.Add("one-word", [random.Next(vocabularySize)], [1f]);
        for (int d = 2; d < documents; d++)
        {
            int distinct = random.Next(1, Math.Min(maxDistinctTerms, vocabularySize) + 1);
            var terms = Enumerable.Range(0, vocabularySize).OrderBy(_ => random.Next()).Take(distinct).Order().ToArray();
            var counts = terms.Select(_ => (float)random.Next(1, 6)).ToArray();
            corpus.Add($"doc{d}", terms, counts);
        }
        return corpus;
    }

    internal static float[] RandomLambda(int vocabularySize, int topics, int seed)
    {
        var random = new Random(seed);
        var lambda = new float[vocabularySize * topics];
        for (int i = 0; i < lambda.Length; i++) lambda[i] = (float)(0.05 + 3 * random.NextDouble() * random.NextDouble());
        return lambda;
    }

    internal static float[] Alpha(int topics, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, topics).Select(_ => (float)(0.05 + 0.5 * random.NextDouble())).ToArray();
    }

    private void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]), $"{what}[{i}] is {actual[i]}");
            double error = Math.Abs(expected[i] - actual[i]) / Math.Max(Math.Abs(expected[i]), 1.0);
            Assert.True(error <= RelativeTolerance, $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (relative error {error:g3})");
        }
    }

    /// <summary><c>--revive-topics</c> works on any backend through GetLambda/SetLambda: the backend's λ after
    /// <see cref="TopicRevival.Apply"/> is the host split of the same λ, and its expElogβ follows (γ as the reference's
    /// for that λ).</summary>
    [Fact]
    public void RevivingTopicsOnTheBackendGivesTheHostSplitAndItsLocalStep()
    {
        const int k = 5, v = 40;
        const float eta = 0.2f;
        var lambda = RandomLambda(v, k, seed: 31);
        for (int w = 0; w < v; w++) lambda[w * k + 4] = eta + 0.001f;   // topic 4 starved
        var expected = lambda.ToArray();
        var pairs = TopicRevival.Revive(expected, k, eta, threshold: 0.25, seed: 9, pass: 1);
        Assert.Equal([(4, pairs[0].Split)], pairs);
        using var backend = CreateBackend(k);
        backend.SetLambda(lambda, v);

        Assert.Equal(pairs, TopicRevival.Apply(backend, 0.25, eta, seed: 9, completedPasses: 1, passLimit: 4));
        var actual = new float[v * k];
        backend.GetLambda(actual);
        Assert.Equal(expected, actual);

        var batch = RandomCorpus(v, Documents(12), seed: 32).Slice(0, Documents(12));
        var alpha = Alpha(k, seed: 33);
        using var reference = new ReferenceBackend(k);
        reference.SetLambda(expected, v);
        var expectedGamma = new float[batch.DocumentCount * k];
        var actualGamma = new float[expectedGamma.Length];
        reference.LocalStep(batch, alpha, Converged, expectedGamma, accumulateStatistics: false, computeBound: false);
        backend.LocalStep(batch, alpha, Converged, actualGamma, accumulateStatistics: false, computeBound: false);
        AssertClose(expectedGamma, actualGamma, "γ");
    }

    [Theory]
    [MemberData(nameof(TopicCounts))]
    public void LocalStepGammaBoundAndStatisticsMatchReference(int topics)
    {
        const int v = 40;
        var corpus = RandomCorpus(v, Documents(25), seed: topics);
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var lambda = RandomLambda(v, topics, seed: 100 + topics);
        var alpha = Alpha(topics, seed: 200 + topics);
        using var reference = new ReferenceBackend(topics);
        using var backend = CreateBackend(topics);
        var expectedGamma = new float[batch.DocumentCount * topics];
        var actualGamma = new float[expectedGamma.Length];
        reference.SetLambda(lambda, v);
        backend.SetLambda(lambda, v);

        var expected = reference.LocalStep(batch, alpha, Converged, expectedGamma, accumulateStatistics: true, computeBound: true);
        var actual = backend.LocalStep(batch, alpha, Converged, actualGamma, accumulateStatistics: true, computeBound: true);

        AssertClose(expectedGamma, actualGamma, "gamma");
        Assert.Equal(expected.Documents, actual.Documents);
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.True(Math.Abs(expected.DocumentBound - actual.DocumentBound) <= RelativeTolerance * Math.Abs(expected.DocumentBound),
            $"bound: expected {expected.DocumentBound}, got {actual.DocumentBound}");

        AssertSameStatistics(reference, backend, v, topics);
    }

    /// <summary>Compares the statistics the last local step left: ρ = 1, η = 0, scale = 1 turns λ into the statistics themselves.</summary>
    private void AssertSameStatistics(ReferenceBackend reference, ILdaBackend backend, int v, int topics)
    {
        reference.GlobalStep(1f, 0f, 1f);
        backend.GlobalStep(1f, 0f, 1f);
        var expectedStatistics = new float[v * topics];
        var actualStatistics = new float[v * topics];
        reference.GetLambda(expectedStatistics);
        backend.GetLambda(actualStatistics);
        AssertClose(expectedStatistics, actualStatistics, "statistics");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(17)]
    [InlineData(33)]   // (K = 1 is left out: one topic gets γ = α + N from any start)
    public void LocalStepStartedFromAGivenGammaMatchesReference(int topics)
    {
        // Two iterations from a far-off γ: where the iterations start shows in the result, so a backend that ignored the
        // initial γ (or started at 1) would fail the comparison and the check against the cold start below.
        var fewIterations = new LocalStepOptions(MaxIterations: 2, Tolerance: 0f);
        const int v = 40;
        var corpus = RandomCorpus(v, Documents(25), seed: 50 + topics);
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var lambda = RandomLambda(v, topics, seed: 150 + topics);
        var alpha = Alpha(topics, seed: 250 + topics);
        var random = new Random(topics);
        var initial = Enumerable.Range(0, batch.DocumentCount * topics).Select(_ => (float)(0.2 + 20 * random.NextDouble())).ToArray();
        using var reference = new ReferenceBackend(topics);
        using var backend = CreateBackend(topics);
        reference.SetLambda(lambda, v);
        backend.SetLambda(lambda, v);
        var expected = new float[initial.Length];
        var actual = new float[initial.Length];
        var cold = new float[initial.Length];

        reference.LocalStep(batch, alpha, fewIterations, expected, accumulateStatistics: true, computeBound: false, initial);
        backend.LocalStep(batch, alpha, fewIterations, actual, accumulateStatistics: true, computeBound: false, initial);
        backend.LocalStep(batch, alpha, fewIterations, cold, accumulateStatistics: false, computeBound: false);

        AssertClose(expected, actual, "warm-started gamma");
        Assert.Equal(alpha, actual.AsSpan(0, topics).ToArray());   // the empty document still gets α
        Assert.True(Enumerable.Range(topics, initial.Length - topics).Any(i => Math.Abs(actual[i] - cold[i]) > 1e-2 * Math.Max(1, Math.Abs(cold[i]))),
            "the local step from the given γ gave what the cold start gives");
        // the statistics come from the warm-started γ too
        AssertSameStatistics(reference, backend, v, topics);
    }

    /// <summary>
    /// Six over-relaxed iterations (<see cref="LdaMath.RelaxedGamma"/>: plain in the first two, ω = 1.9 after them) are
    /// not converged, so γ shows the relaxed updates themselves: a backend that ignored ω, or relaxed from the first
    /// iteration, would differ from the reference here (and from its own plain step, checked below).
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(33)]
    public void RelaxedIterationsMatchReference(int topics)
    {
        var relaxed = new LocalStepOptions(MaxIterations: 6, Tolerance: 0f) { Relaxation = 1.9f };
        const int v = 40;
        var corpus = RandomCorpus(v, Documents(25), seed: 70 + topics);
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var lambda = RandomLambda(v, topics, seed: 170 + topics);
        var alpha = Alpha(topics, seed: 270 + topics);
        using var reference = new ReferenceBackend(topics);
        using var backend = CreateBackend(topics);
        reference.SetLambda(lambda, v);
        backend.SetLambda(lambda, v);
        var expected = new float[batch.DocumentCount * topics];
        var actual = new float[expected.Length];
        var plain = new float[expected.Length];

        reference.LocalStep(batch, alpha, relaxed, expected, accumulateStatistics: true, computeBound: false);
        backend.LocalStep(batch, alpha, relaxed, actual, accumulateStatistics: true, computeBound: false);
        backend.LocalStep(batch, alpha, relaxed with { Relaxation = 1f }, plain, accumulateStatistics: false, computeBound: false);

        AssertClose(expected, actual, "relaxed gamma");
        Assert.True(Enumerable.Range(0, plain.Length).Any(i => Math.Abs(actual[i] - plain[i]) > 1e-2 * Math.Max(1, Math.Abs(plain[i]))),
            "six relaxed iterations gave what six plain ones give");
        AssertSameStatistics(reference, backend, v, topics);
    }

    /// <summary>
    /// The relaxed local step stops at the plain step's fixed point (to the tolerance), in fewer iterations. Both run to a
    /// stopping tolerance here (not <see cref="Converged"/>, which a simulated GPU backend caps at a fixed count): where they
    /// stop, the distance to the fixed point is a few times the last mean change.
    /// </summary>
    [Theory]
    [InlineData(9)]
    [InlineData(33)]
    public void RelaxedLocalStepReachesThePlainFixedPointInFewerIterations(int topics)
    {
        const int v = 40;
        var corpus = RandomCorpus(v, Documents(25), seed: 80 + topics);
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var lambda = RandomLambda(v, topics, seed: 180 + topics);
        var alpha = Alpha(topics, seed: 280 + topics);
        using var backend = CreateBackend(topics);
        backend.SetLambda(lambda, v);
        var plain = new float[batch.DocumentCount * topics];
        var relaxed = new float[plain.Length];

        var toTolerance = new LocalStepOptions(MaxIterations: 2000, Tolerance: 1e-4f);

        var plainResult = backend.LocalStep(batch, alpha, toTolerance with { Relaxation = 1f }, plain, accumulateStatistics: false, computeBound: false);
        var relaxedResult = backend.LocalStep(batch, alpha, toTolerance with { Relaxation = LocalStepOptions.DefaultRelaxation }, relaxed, accumulateStatistics: false, computeBound: false);

        for (int i = 0; i < plain.Length; i++)
            Assert.True(Math.Abs(plain[i] - relaxed[i]) <= 1e-2 * Math.Max(1, Math.Abs(plain[i])), $"gamma[{i}]: plain {plain[i]}, relaxed {relaxed[i]}");
        Assert.True(relaxedResult.Iterations < plainResult.Iterations,
            $"relaxed: {relaxedResult.Iterations} iterations, plain: {plainResult.Iterations}");
    }

    /// <summary>
    /// The stopping test by length (<see cref="LdaMath.ChangeScale"/>, the default): a document of N_d &gt; K tokens stops
    /// where the test over the topics stops at tolerance × N_d / K, earlier than at the tolerance itself; a document of at
    /// most K tokens stops where the test over the topics does. Each document in a batch of its own, γ compared bit for bit.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void StoppingByLengthIsTheTopicTestScaledByTheDocumentsTokens(int topics)
    {
        const int v = 40;
        const float tolerance = 1e-3f;
        var random = new Random(90 + topics);
        var corpus = new InMemoryCorpus(v);
        var longTerms = Enumerable.Range(0, v).OrderBy(_ => random.Next()).Take(25).Order().ToArray();
        corpus.Add("long", longTerms, longTerms.Select(_ => (float)random.Next(4, 16)).ToArray());
        corpus.Add("short", [3, 11], [1f, 2f]);
        var lambda = RandomLambda(v, topics, seed: 190 + topics);
        var alpha = Alpha(topics, seed: 290 + topics);
        using var backend = CreateBackend(topics);
        backend.SetLambda(lambda, v);
        var byLength = new LocalStepOptions(MaxIterations: 500, Tolerance: tolerance);
        var overTopics = byLength with { ToleranceByLength = false };
        Assert.True(byLength.ToleranceByLength, "the test by length is the default");

        (long Iterations, float[] Gamma) Run(int d, LocalStepOptions options)
        {
            var gamma = new float[topics];
            var result = backend.LocalStep(corpus.Slice(d, 1), alpha, options, gamma, accumulateStatistics: false, computeBound: false);
            return (result.Iterations, gamma);
        }

        float tokens = corpus.Slice(0, 1).DocumentCounts(0).ToArray().Sum();
        Assert.True(tokens > topics, $"the long document has {tokens} tokens");
        var scaled = Run(0, byLength);
        var asTopics = Run(0, overTopics with { Tolerance = tolerance * tokens / topics });
        var unscaled = Run(0, overTopics);
        Assert.Equal(asTopics.Iterations, scaled.Iterations);
        Assert.Equal(asTopics.Gamma, scaled.Gamma);
        Assert.True(scaled.Iterations < unscaled.Iterations, $"by length {scaled.Iterations} iterations, over the topics {unscaled.Iterations}");

        var shortByLength = Run(1, byLength);
        var shortOverTopics = Run(1, overTopics);
        Assert.Equal(shortOverTopics.Iterations, shortByLength.Iterations);
        Assert.Equal(shortOverTopics.Gamma, shortByLength.Gamma);
    }

    /// <summary>
    /// Documents drawn from two of many topics, with a peaked λ and small, unequal α: most topics' γ fall to their α
    /// within a few iterations. The CPU backend then drops them from the document's step and compacts its rows (issue 14;
    /// rows of up to 64 lanes by permutes where the CPU has AVX-512, the rows near the buffer's end and wider ones by
    /// gathers); γ (pruned topics at their own α_k), the bound and the statistics must still be the reference's.
    /// </summary>
    [Theory]
    [InlineData(32)]
    [InlineData(40)]
    [InlineData(64)]
    [InlineData(100)]
    public void LocalStepOfDocumentsWithFewTopicsMatchesReference(int topics)
    {
        int v = 3 * topics;
        var random = new Random(topics);
        var lambda = new float[v * topics];
        for (int w = 0; w < v; w++)
            for (int t = 0; t < topics; t++)
                lambda[w * topics + t] = w % topics == t ? 40f + (float)random.NextDouble() : 0.01f + 0.02f * (float)random.NextDouble();
        var alpha = Enumerable.Range(0, topics).Select(_ => (float)(0.005 + 0.02 * random.NextDouble())).ToArray();
        var corpus = new InMemoryCorpus(v);
        corpus.Add("empty", [], []);
        for (int d = 1; d < Documents(12); d++)
        {
            int first = random.Next(topics), second = (first + 1 + random.Next(topics - 1)) % topics;
            var terms = Enumerable.Range(0, v).Where(w => w % topics == first || w % topics == second || random.Next(40) == 0).ToArray();
            corpus.Add($"doc{d}", terms, terms.Select(_ => (float)random.Next(1, 6)).ToArray());
        }
        var batch = corpus.Slice(0, corpus.DocumentCount);
        using var reference = new ReferenceBackend(topics);
        using var backend = CreateBackend(topics);
        reference.SetLambda(lambda, v);
        backend.SetLambda(lambda, v);
        var expectedGamma = new float[batch.DocumentCount * topics];
        var actualGamma = new float[expectedGamma.Length];

        var expected = reference.LocalStep(batch, alpha, Converged, expectedGamma, accumulateStatistics: true, computeBound: true);
        var actual = backend.LocalStep(batch, alpha, Converged, actualGamma, accumulateStatistics: true, computeBound: true);

        int atPrior = Enumerable.Range(topics, expectedGamma.Length - topics).Count(i => expectedGamma[i] == alpha[i % topics]);
        Assert.True(atPrior > (batch.DocumentCount - 1) * topics / 2, $"only {atPrior} topics fell to their prior: the case tests nothing");
        AssertClose(expectedGamma, actualGamma, "gamma");
        Assert.True(Math.Abs(expected.DocumentBound - actual.DocumentBound) <= RelativeTolerance * Math.Abs(expected.DocumentBound),
            $"bound: expected {expected.DocumentBound}, got {actual.DocumentBound}");
        AssertSameStatistics(reference, backend, v, topics);
    }

    private void AssertModelSum(double expected, double actual, string what, double? tolerance = null)
    {
        Assert.True(double.IsFinite(actual), $"{what} is {actual}");
        double allowed = tolerance ?? ModelSumTolerance;
        if (allowed == 0)
        {
            Assert.True(expected.Equals(actual), $"{what}: expected {expected:R}, got {actual:R} (must be bit-identical)");
            return;
        }
        double error = Math.Abs(expected - actual) / Math.Abs(expected);
        Assert.True(error <= allowed, $"{what}: expected {expected:R}, got {actual:R} (relative error {error:g3})");
    }

    /// <summary>γ drawn from [0.05, 5.05): DocumentCount×K, row-major.</summary>
    private static float[] RandomGamma(int documents, int topics, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, documents * topics).Select(_ => (float)(0.05 + 5 * random.NextDouble())).ToArray();
    }

    [Theory]
    [MemberData(nameof(ModelSumTopicCounts))]
    public void TopicWordBoundMatchesReference(int topics)
    {
        const int v = 40;
        var lambda = RandomLambda(v, topics, seed: 300 + topics);
        using var reference = new ReferenceBackend(topics);
        using var backend = CreateBackend(topics);
        reference.SetLambda(lambda, v);
        backend.SetLambda(lambda, v);

        foreach (float eta in new[] { 0.01f, 1f / topics, 2f })
            AssertModelSum(reference.TopicWordBound(eta), backend.TopicWordBound(eta), $"TopicWordBound(η = {eta})", TopicWordBoundTolerance);
    }

    [Theory]
    [MemberData(nameof(ModelSumTopicCounts))]
    public void SumElogBetaMatchesReference(int topics)
    {
        const int v = 40;
        var lambda = RandomLambda(v, topics, seed: 500 + topics);
        using var reference = new ReferenceBackend(topics);
        using var backend = CreateBackend(topics);
        reference.SetLambda(lambda, v);
        backend.SetLambda(lambda, v);

        AssertModelSum(reference.SumElogBeta(), backend.SumElogBeta(), "SumElogBeta");
    }

    [Theory]
    [MemberData(nameof(ModelSumTopicCounts))]
    public void CompletionLogLikelihoodMatchesReference(int topics)
    {
        const int v = 40;
        var corpus = RandomCorpus(v, Documents(10), seed: 600 + topics);   // document 0 is empty, document 1 has one token
        var scored = corpus.Slice(0, corpus.DocumentCount);
        var gamma = RandomGamma(scored.DocumentCount, topics, seed: 700 + topics);
        var lambda = RandomLambda(v, topics, seed: 800 + topics);
        using var reference = new ReferenceBackend(topics);
        using var backend = CreateBackend(topics);
        reference.SetLambda(lambda, v);
        backend.SetLambda(lambda, v);

        AssertModelSum(reference.CompletionLogLikelihood(scored, gamma), backend.CompletionLogLikelihood(scored, gamma), "completion of the batch");
        var oneToken = corpus.Slice(1, 1);
        Assert.Equal(1, oneToken.NonZeroCount);
        AssertModelSum(reference.CompletionLogLikelihood(oneToken, gamma.AsSpan(topics, topics)),
            backend.CompletionLogLikelihood(oneToken, gamma.AsSpan(topics, topics)), "completion of the one-token document");
        Assert.Equal(0, backend.CompletionLogLikelihood(corpus.Slice(0, 1), gamma.AsSpan(0, topics)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void ModelSumsFollowLambdaAfterAGlobalStep(int topics)
    {
        // The backend's own λ after a step, scored by the host functions: a backend that keeps row sums or
        // a copy of λ must refresh them in GlobalStep.
        const int v = 30;
        const float eta = 0.05f;
        var corpus = RandomCorpus(v, Documents(8), seed: 900 + topics, maxDistinctTerms: 8);
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var gamma = new float[batch.DocumentCount * topics];
        using var backend = CreateBackend(topics);
        backend.SetLambda(RandomLambda(v, topics, seed: 901), v);
        backend.LocalStep(batch, Alpha(topics, 902), Converged, gamma, accumulateStatistics: true, computeBound: false);
        backend.GlobalStep(0.6f, eta, 3f);
        var lambda = new float[v * topics];
        backend.GetLambda(lambda);

        AssertModelSum(LdaMath.TopicWordBound(lambda, v, topics, eta, threads: 1), backend.TopicWordBound(eta), "TopicWordBound", TopicWordBoundTolerance);
        AssertModelSum(DirichletPriors.SumElogBeta(lambda, v, topics, threads: 1), backend.SumElogBeta(), "SumElogBeta");
        AssertModelSum(LdaMath.CompletionLogLikelihood(lambda, v, topics, batch, gamma), backend.CompletionLogLikelihood(batch, gamma), "completion");
    }

    [Fact]
    public void ModelSumsRepeatBitForBit()
    {
        const int v = 25, topics = 17;
        var corpus = RandomCorpus(v, Documents(6), seed: 950);
        var scored = corpus.Slice(0, corpus.DocumentCount);
        var gamma = RandomGamma(scored.DocumentCount, topics, seed: 951);
        using var backend = CreateBackend(topics);
        backend.SetLambda(RandomLambda(v, topics, seed: 952), v);

        Assert.Equal(backend.TopicWordBound(0.1f), backend.TopicWordBound(0.1f));
        Assert.Equal(backend.SumElogBeta(), backend.SumElogBeta());
        Assert.Equal(backend.CompletionLogLikelihood(scored, gamma), backend.CompletionLogLikelihood(scored, gamma));
    }

    [Fact]
    public void CompletionLogLikelihoodRejectsATermOutsideTheVocabulary()
    {
        const int v = 10, topics = 3;
        using var backend = CreateBackend(topics);
        backend.SetLambda(RandomLambda(v, topics, 1), v);
        var scored = new SparseBatch(["inside", "outside"], [0, 1, 3], [2, 4, v], [1f, 1f, 2f]);

        var error = Assert.Throws<TopicEngineException>(() => backend.CompletionLogLikelihood(scored, RandomGamma(2, topics, 2)));

        Assert.Contains($"term id {v}", error.Message);
        Assert.Contains($"outside the vocabulary of {v} terms", error.Message);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(-1)]
    public void LocalStepRejectsATermOutsideTheVocabularyAndStaysUsable(int badId)
    {
        // An id ≥ V (or < 0) would read past expElogβ; on a GPU that can kill the device context.
        const int v = 10, topics = 3;
        using var backend = CreateBackend(topics);
        backend.SetLambda(RandomLambda(v, topics, 1), v);
        var good = new SparseBatch(["inside"], [0, 2], [2, 4], [1f, 1f]);
        var bad = new SparseBatch(["inside", "outside"], [0, 2, 4], [2, 4, 1, badId], [1f, 1f, 2f, 1f]);
        var alpha = Alpha(topics, 2);
        var gamma = new float[2 * topics];

        var error = Assert.Throws<TopicEngineException>(() => backend.LocalStep(bad, alpha, Converged, gamma, true, true));

        Assert.Contains($"term id {badId}", error.Message);
        Assert.Contains("'outside'", error.Message);
        Assert.Contains($"outside the vocabulary of {v} terms", error.Message);
        var expected = new float[topics];
        using var reference = new ReferenceBackend(topics);
        reference.SetLambda(RandomLambda(v, topics, 1), v);
        reference.LocalStep(good, alpha, Converged, expected, false, false);
        backend.LocalStep(good, alpha, Converged, gamma, false, false);
        AssertClose(expected, gamma.AsSpan(0, topics), "gamma after the rejected batch");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(17)]
    public void GlobalStepBlendsLambdaAsTheReferenceDoes(int topics)
    {
        const int v = 30;
        var corpus = RandomCorpus(v, Documents(12), seed: 7);
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var lambda = RandomLambda(v, topics, seed: 8);
        var alpha = Alpha(topics, seed: 9);
        using var reference = new ReferenceBackend(topics);
        using var backend = CreateBackend(topics);
        var gamma = new float[batch.DocumentCount * topics];
        var expected = new float[v * topics];
        var actual = new float[v * topics];
        foreach (var b in new ILdaBackend[] { reference, backend })
        {
            b.SetLambda(lambda, v);
            for (int step = 0; step < 3; step++)
            {
                b.LocalStep(batch, alpha, Converged, gamma, true, false);
                b.GlobalStep(0.6f, 0.05f, 3f);
            }
        }
        reference.GetLambda(expected);
        backend.GetLambda(actual);
        AssertClose(expected, actual, "lambda");
    }

    [Fact]
    public void EmptyDocumentGetsAlphaAndZeroBound()
    {
        var corpus = new InMemoryCorpus(5);
        corpus.Add("a", [], []);
        corpus.Add("b", [], []);
        using var backend = CreateBackend(3);
        backend.SetLambda(RandomLambda(5, 3, 1), 5);
        var gamma = new float[6];
        var result = backend.LocalStep(corpus.Slice(0, 2), [0.1f, 0.2f, 0.3f], LocalStepOptions.Default, gamma, true, true);
        Assert.Equal([0.1f, 0.2f, 0.3f, 0.1f, 0.2f, 0.3f], gamma);
        Assert.Equal(0, result.DocumentBound, 6);
    }

    [Fact]
    public void EmptyBatchReturnsNothing()
    {
        using var backend = CreateBackend(4);
        backend.SetLambda(RandomLambda(3, 4, 1), 3);
        var result = backend.LocalStep(new SparseBatch([], [0], [], []), [1f, 1f, 1f, 1f], LocalStepOptions.Default, [], true, true);
        Assert.Equal(0, result.Documents);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void OutputsStayFiniteWhenExpElogBetaUnderflows(int topics)
    {
        // Term 0 sits at a tiny λ in every topic (a word seen only in held-out documents): expElogβ
        // underflows to 0 in float, φnorm would be 0 and γ NaN without the floor.
        const int v = 6;
        var lambda = new float[v * topics];
        for (int i = 0; i < lambda.Length; i++) lambda[i] = i < topics ? 1e-4f : 1e5f;
        var corpus = new InMemoryCorpus(v);
        corpus.Add("rare", [0], [3f]);
        corpus.Add("mixed", [0, 1, 2], [1f, 2f, 1f]);
        corpus.Add("everywhere", [0, 1, 2, 3, 4, 5], [1f, 1f, 1f, 1f, 1f, 1f]);
        using var backend = CreateBackend(topics);
        backend.SetLambda(lambda, v);
        var gamma = new float[3 * topics];
        var alpha = Enumerable.Repeat(1f / topics, topics).ToArray();
        var result = backend.LocalStep(corpus.Slice(0, 3), alpha, Quick, gamma, true, true);
        Assert.All(gamma, g => Assert.True(float.IsFinite(g) && g > 0, $"gamma {g}"));
        Assert.True(double.IsFinite(result.DocumentBound));
        backend.GlobalStep(0.5f, 0.01f, 10f);
        var after = new float[v * topics];
        backend.GetLambda(after);
        Assert.All(after, l => Assert.True(float.IsFinite(l) && l > 0, $"lambda {l}"));
    }

    [Fact]
    public void ATermExplainedOnlyByTinyNormalExpElogBetaKeepsItsMass()
    {
        // Term 0: λ = 0.025 in topic 0 (expElogβ ≈ 1e-22, tiny but a normal float) and 0.011 elsewhere (≈ 1e-44, subnormal,
        // which the CPU backend sets to 0). Its 5 tokens must all go to topic 0 on every backend: dropping the subnormal
        // factors changes nothing, dropping a normal one would lose the term (φnorm = the floor).
        const int topics = 8, v = 4;
        var lambda = new float[v * topics];
        for (int t = 0; t < topics; t++)
        {
            lambda[t] = t == 0 ? 0.025f : 0.011f;
            for (int w = 1; w < v; w++) lambda[w * topics + t] = 2000f;
        }
        var corpus = new InMemoryCorpus(v);
        corpus.Add("tiny", [0], [5f]);
        using var backend = CreateBackend(topics);
        backend.SetLambda(lambda, v);
        var alpha = Enumerable.Repeat(1f / topics, topics).ToArray();
        var gamma = new float[topics];
        backend.LocalStep(corpus.Slice(0, 1), alpha, LocalStepOptions.Default, gamma, true, false);
        Assert.InRange(gamma[0], alpha[0] + 4.999f, alpha[0] + 5.001f);
        for (int t = 1; t < topics; t++) Assert.InRange(gamma[t], alpha[t] * 0.999f, alpha[t] * 1.001f + 1e-6f);
    }

    [Fact]
    public void SameInputGivesByteIdenticalLambda()
    {
        const int v = 50, topics = 9;
        var corpus = RandomCorpus(v, Documents(60), seed: 3);
        int batchSize = Documents(60) / 3;   // three batches
        var alpha = Alpha(topics, 4);
        byte[] Run()
        {
            using var backend = CreateBackend(topics);
            backend.SetLambda(RandomLambda(v, topics, 5), v);
            var gamma = new float[batchSize * topics];
            for (int pass = 0; pass < 2; pass++)
                foreach (var batch in corpus.ReadBatches(batchSize))
                {
                    backend.LocalStep(batch, alpha, Quick, gamma, true, false);
                    backend.GlobalStep(0.5f, 0.1f, 3f);
                }
            var lambda = new float[v * topics];
            backend.GetLambda(lambda);
            return MemoryMarshal.AsBytes(lambda.AsSpan()).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void LocalStepWithoutStatisticsIsThreadSafe()
    {
        const int v = 60, topics = 8;
        var corpus = RandomCorpus(v, Documents(40), seed: 11);
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var alpha = Alpha(topics, 12);
        using var backend = CreateBackend(topics);
        backend.SetLambda(RandomLambda(v, topics, 13), v);
        var expected = new float[batch.DocumentCount * topics];
        backend.LocalStep(batch, alpha, Quick, expected, false, false);
        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var gamma = new float[expected.Length];
            for (int repeat = 0; repeat < ThreadSafetyRepeats; repeat++) backend.LocalStep(batch, alpha, Quick, gamma, false, false);
            results[i] = gamma;
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void ConcurrentLocalStepsRightAfterSetLambdaAgreeWithASequentialOne()
    {
        // Every document shares terms 0..4, so workers and callers race for the same stale rows on first use;
        // rows are gathered before the first iteration, so two iterations are enough to expose a torn row.
        var fewIterations = new LocalStepOptions(MaxIterations: 2);
        const int v = 30, topics = 97;
        var random = new Random(5);
        var corpus = new InMemoryCorpus(v);
        for (int d = 0; d < Documents(48); d++)
        {
            var terms = Enumerable.Range(0, 5).Concat(Enumerable.Range(5, v - 5).Where(_ => random.Next(3) == 0)).ToArray();
            corpus.Add($"d{d}", terms, terms.Select(_ => (float)random.Next(1, 4)).ToArray());
        }
        var batch = corpus.Slice(0, corpus.DocumentCount);
        var alpha = Alpha(topics, 6);
        var lambda = RandomLambda(v, topics, 7);
        var expected = new float[batch.DocumentCount * topics];
        using (var sequential = CreateBackend(topics))
        {
            sequential.SetLambda(lambda, v);
            sequential.LocalStep(batch, alpha, fewIterations, expected, false, false);
        }
        using var backend = CreateBackend(topics);
        for (int round = 0; round < ConcurrencyRounds; round++)
        {
            backend.SetLambda(lambda, v);
            var results = new float[8][];
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                var gamma = new float[expected.Length];
                backend.LocalStep(batch, alpha, fewIterations, gamma, false, false);
                results[i] = gamma;
            });
            Assert.All(results, r => Assert.Equal(expected, r));
        }
    }

    [Fact]
    public void GetLambdaReturnsWhatSetLambdaLoaded()
    {
        var lambda = RandomLambda(33, 5, 21);
        using var backend = CreateBackend(5);
        backend.SetLambda(lambda, 33);
        var copy = new float[lambda.Length];
        backend.GetLambda(copy);
        Assert.Equal(lambda, copy);
        Assert.Equal(33, backend.VocabularySize);
        Assert.Equal(5, backend.Topics);
    }

    [Fact]
    public void SetLambdaWithWrongLengthIsRejected()
    {
        using var backend = CreateBackend(4);
        Assert.Throws<ArgumentException>(() => backend.SetLambda(new float[10], 3));
    }
}

public sealed class CpuBackendContractTests : BackendContractTests
{
    internal override ILdaBackend CreateBackend(int topics) => new CpuBackend(topics, threads: 3);

    /// <summary>The Fast mode's β part takes ψ and lnΓ of the entries together in float (<c>SpecialFunctions.DigammaLogGamma</c>),
    /// the reference its own float SIMD ψ and lnΓ: a few parts in 10⁸ apart on these λ.</summary>
    protected override double TopicWordBoundTolerance => 1e-6;
}

public sealed class PreciseCpuBackendContractTests : BackendContractTests
{
    internal override ILdaBackend CreateBackend(int topics) => new CpuBackend(topics, threads: 1, CpuMathMode.Precise);
}
