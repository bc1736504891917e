using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>
/// Numerical extremes (issue 15): K = 1 and K = 5,000, η = 1e-6 and α = 100, documents of one token and of 1M tokens,
/// a vocabulary of 1M terms. Each fit ends with finite λ, α, η, ELBO and held-out perplexity, and finite θ that sums
/// to 1 for every document; settings outside the model's domain are refused with a message naming the flag.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class NumericalSafetyTests
{
    /// <summary><paramref name="documents"/> documents of up to <paramref name="distinct"/> distinct terms of <paramref name="vocabulary"/>,
    /// drawn with <paramref name="seed"/>; counts in 1..<paramref name="maxCount"/>.</summary>
    private static InMemoryCorpus Corpus(int documents, int vocabulary, int distinct, int seed, int maxCount = 4)
    {
        var random = new Random(seed);
        var corpus = new InMemoryCorpus(vocabulary);
        for (int d = 0; d < documents; d++)
        {
            var terms = Enumerable.Range(0, random.Next(1, distinct + 1)).Select(_ => random.Next(vocabulary)).Distinct().Order().ToArray();
            corpus.Add($"d{d}", terms, terms.Select(_ => (float)random.Next(1, maxCount + 1)).ToArray());
        }
        return corpus;
    }

    /// <summary>Fits <paramref name="corpus"/> on the CPU backend and checks that everything it produced is finite.</summary>
    private static TrainingResult FitFinite(InMemoryCorpus corpus, TrainingOptions options)
    {
        var trainer = new TestTrainer(options, k => new CpuBackend(k, 2));
        var result = trainer.Fit(corpus);
        AssertFinite(result.Lambda, "λ");
        Assert.All(result.Lambda, v => Assert.True(v > 0, $"λ value {v} is not positive"));
        AssertFinite(result.Alpha, "α");
        Assert.True(float.IsFinite(result.Eta) && result.Eta > 0, $"η = {result.Eta}");
        Assert.All(result.State.Log, row => Assert.True(double.IsFinite(row.ElboPerWord), $"ELBO per word {row.ElboPerWord} at step {row.Step}"));
        if (result.HeldOutPerplexity is { } perplexity) Assert.True(double.IsFinite(perplexity) && perplexity > 0, $"held-out perplexity {perplexity}");
        int documents = 0;
        var theta = new float[options.Topics];
        foreach (var batch in trainer.InferDocumentTopics(result, corpus))
            for (int d = 0; d < batch.Keys.Length; d++, documents++)
            {
                AssertFinite(batch.GammaOf(d).ToArray(), $"γ of {batch.Keys[d]}");
                batch.ThetaOf(d, theta);
                AssertFinite(theta, $"θ of {batch.Keys[d]}");
                Assert.InRange(theta.Sum(), 0.999f, 1.001f);
            }
        Assert.Equal(corpus.DocumentCount, documents);
        return result;
    }

    private static void AssertFinite(float[] values, string what)
    {
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        Assert.True(bad < 0, $"{what}: {(bad < 0 ? 0 : values[bad])} at {bad}");
    }

    private static TrainingOptions Options(int topics) => new() { Topics = topics, Passes = 2, BatchSize = 8, Seed = 7, HoldoutFraction = 0.2 };

    [Theory]
    [InlineData(1)]
    [InlineData(5_000)]
    public void ExtremeTopicCountsGiveFiniteOutputs(int topics)
    {
        FitFinite(Corpus(30, 20, 8, seed: 1), Options(topics));
        FitFinite(Corpus(30, 20, 8, seed: 1), Options(topics) with { Alpha = PriorSetting.Auto, Eta = PriorSetting.Auto, Passes = 1 });
    }

    [Theory]
    [InlineData(1e-6f, 0.1f)]
    [InlineData(0.01f, 100f)]
    [InlineData(1e-6f, 100f)]
    public void TinyEtaAndLargeAlphaGiveFiniteOutputs(float eta, float alpha) =>
        FitFinite(Corpus(40, 200, 12, seed: 2), Options(10) with { Eta = PriorSetting.Fixed(eta), Alpha = PriorSetting.Fixed(alpha) });

    [Fact]
    public void DocumentsOfOneTokenGiveFiniteOutputs()
    {
        var corpus = new InMemoryCorpus(30);
        for (int d = 0; d < 40; d++) corpus.Add($"d{d}", [d % 30], [1f]);
        corpus.Add("empty", [], []);
        FitFinite(corpus, Options(7) with { Alpha = PriorSetting.Auto, Eta = PriorSetting.Auto, HoldoutFraction = 0 });
        // Held-out scoring splits each document in two halves: one token cannot be split, which is refused, not a NaN.
        var e = Assert.Throws<TopicEngineException>(() => FitFinite(corpus, Options(7)));
        Assert.Contains("at least two tokens", e.Message);
    }

    [Fact]
    public void DocumentOfAMillionTokensGivesFiniteOutputs()
    {
        var corpus = Corpus(20, 500, 10, seed: 3);
        var terms = Enumerable.Range(0, 500).ToArray();
        corpus.Add("huge", terms, terms.Select(w => w < 100 ? 9_000f : 250f).ToArray());   // 900,000 + 100,000 tokens
        Assert.Equal(1_000_000L, (long)terms.Sum(w => w < 100 ? 9_000 : 250));
        FitFinite(corpus, Options(8) with { HoldoutFraction = 0 });
    }

    [Fact]
    public void VocabularyOfAMillionTermsGivesFiniteOutputs() =>
        FitFinite(Corpus(24, 1_000_000, 50, seed: 4), Options(3) with { Alpha = PriorSetting.Auto, Eta = PriorSetting.Auto });

    [Theory]
    [InlineData("--topics", 0, 1f, 1f)]
    [InlineData("--alpha", 5, 0f, 1f)]
    [InlineData("--alpha", 5, float.NaN, 1f)]
    [InlineData("--eta", 5, 1f, -1e-6f)]
    [InlineData("--eta", 5, 1f, float.PositiveInfinity)]
    public void SettingsOutsideTheDomainAreRefusedNamingTheFlag(string flag, int topics, float alpha, float eta)
    {
        var options = new TrainingOptions { Topics = topics, Alpha = PriorSetting.Fixed(alpha), Eta = PriorSetting.Fixed(eta) };
        var e = Assert.Throws<TopicEngineException>(options.Validate);
        Assert.Contains(flag, e.Message);
        Assert.Throws<TopicEngineException>(() => PriorSetting.Parse("NaN", "--alpha"));
        Assert.Throws<TopicEngineException>(() => PriorSetting.Parse("1e-50", "--eta"));   // 0 in float
    }
}
