using TopicEngine.Inference;

namespace TopicEngine.Tests;

public sealed class InferenceOptionsAndPriorsTests
{
    [Theory]
    [InlineData("symmetric", PriorKind.Symmetric, 0f)]
    [InlineData("Asymmetric", PriorKind.Asymmetric, 0f)]
    [InlineData("auto", PriorKind.Auto, 0f)]
    [InlineData("0.05", PriorKind.Fixed, 0.05f)]
    public void PriorSettingsParseTheCommandLineForms(string text, PriorKind kind, float value)
    {
        var setting = PriorSetting.Parse(text, "--alpha");
        Assert.Equal(kind, setting.Kind);
        Assert.Equal(value, setting.Value);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("lots")]
    [InlineData("NaN")]
    public void BadPriorSettingsNameTheFlag(string text) =>
        Assert.Contains("--eta", Assert.Throws<TopicEngineException>(() => PriorSetting.Parse(text, "--eta")).Message);

    public static TheoryData<TrainingOptions, string> BadOptions => new()
    {
        { new TrainingOptions { Topics = 0 }, "--topics" },
        { new TrainingOptions { Passes = 0 }, "--passes" },
        { new TrainingOptions { BatchSize = 0 }, "--batch-size" },
        { new TrainingOptions { Kappa = 0.5 }, "--kappa" },
        { new TrainingOptions { Kappa = 1.1 }, "--kappa" },
        { new TrainingOptions { Tau0 = 0.5 }, "--tau0" },
        { new TrainingOptions { Eta = PriorSetting.Asymmetric }, "--eta" },
        { new TrainingOptions { LocalStep = new(MaxIterations: 0) }, "--max-iterations" },
        { new TrainingOptions { LocalStep = new(Tolerance: -1) }, "--tolerance" },
        { new TrainingOptions { LocalStep = new() { Relaxation = 2 } }, "--relaxation" },
        { new TrainingOptions { LocalStep = new() { Relaxation = 0.9f } }, "--relaxation" },
        { new TrainingOptions { LocalStep = new() { Relaxation = float.NaN } }, "--relaxation" },
        { new TrainingOptions { HoldoutFraction = 1 }, "--holdout" },
        { new TrainingOptions { Passes = null, HoldoutFraction = 0 }, "--holdout" },
        { new TrainingOptions { Threads = -1 }, "--threads" },
        { new TrainingOptions { WarmStart = true, Order = DocumentOrder.Shuffled }, "--order corpus" },
        { new TrainingOptions { ReviveTopics = 1 }, "--revive-topics" },
        { new TrainingOptions { ReviveTopics = -0.1 }, "--revive-topics" },
        { new TrainingOptions { ReviveTopics = double.NaN }, "--revive-topics" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void OutOfRangeOptionsNameTheFlag(TrainingOptions options, string flag) =>
        Assert.Contains(flag, Assert.Throws<TopicEngineException>(options.Validate).Message);

    [Fact]
    public void AsymmetricAlphaFollowsGensimAndSumsToOne()
    {
        var alpha = DirichletPriors.InitialAlpha(PriorSetting.Asymmetric, 4);
        // gensim: 1/(i + √K) normalised, K = 4 → 1/2, 1/3, 1/4, 1/5 over their sum
        double sum = 0.5 + 1.0 / 3 + 0.25 + 0.2;
        Assert.Equal(0.5 / sum, alpha[0], 6);
        Assert.Equal(0.2 / sum, alpha[3], 6);
        Assert.Equal(1.0, alpha.Sum(a => (double)a), 6);
        Assert.All(DirichletPriors.InitialAlpha(PriorSetting.Symmetric, 5), a => Assert.Equal(0.2f, a));
        Assert.Equal(0.1f, DirichletPriors.InitialEta(PriorSetting.Symmetric, 10));
    }

    [Fact]
    public void AlphaNewtonStepsRecoverTheDirichletThatGeneratedTheExpectations()
    {
        // E[log θ_k] under Dir(α*) is ψ(α*_k) − ψ(Σα*): the maximum-likelihood α for these statistics is α* itself.
        double[] truth = [0.05, 0.2, 0.5, 1.5];
        double total = truth.Sum();
        var meanElogTheta = truth.Select(a => SpecialFunctions.Digamma(a) - SpecialFunctions.Digamma(total)).ToArray();
        var alpha = DirichletPriors.InitialAlpha(PriorSetting.Auto, 4);
        for (int i = 0; i < 200; i++) DirichletPriors.UpdateAlpha(alpha, meanElogTheta, 1000, rho: 0.5);
        for (int t = 0; t < 4; t++) Assert.Equal(truth[t], alpha[t], 3);
    }

    [Fact]
    public void EtaNewtonStepsRecoverTheSymmetricDirichletThatGeneratedTheExpectations()
    {
        const int topics = 5, v = 200;
        const double truth = 0.03;
        double sumElogBeta = topics * v * (SpecialFunctions.Digamma(truth) - SpecialFunctions.Digamma(v * truth));
        float eta = DirichletPriors.InitialEta(PriorSetting.Auto, topics);
        for (int i = 0; i < 200; i++) eta = DirichletPriors.UpdateEta(eta, sumElogBeta, topics, v, rho: 0.5);
        Assert.Equal(truth, eta, 4);
    }

    [Fact]
    public void HeldOutChoiceIsDeterministicAndSized()
    {
        var first = TrainingData.ChooseHeldOut(1000, 0.05, 20_000, seed: 1);
        Assert.Equal(50, first.Count(x => x));
        Assert.Equal(first, TrainingData.ChooseHeldOut(1000, 0.05, 20_000, seed: 1));
        Assert.NotEqual(first, TrainingData.ChooseHeldOut(1000, 0.05, 20_000, seed: 2));
        Assert.Equal(10, TrainingData.ChooseHeldOut(1000, 0.05, 10, seed: 1).Count(x => x));
        Assert.Equal(1, TrainingData.ChooseHeldOut(3, 0.05, 20_000, seed: 1).Count(x => x));
        Assert.Equal(0, TrainingData.ChooseHeldOut(1000, 0, 20_000, seed: 1).Count(x => x));
    }

    [Fact]
    public void InitialLambdaIsGamma100ScaledAndIndependentOfThreads()
    {
        var one = TrainingData.InitialLambda(500, 20, seed: 7, threads: 1);
        var two = TrainingData.InitialLambda(500, 20, seed: 7, threads: 2);
        Assert.Equal(one, two);
        double mean = one.Average(x => (double)x);
        double variance = one.Average(x => (x - mean) * (x - mean));
        Assert.Equal(1.0, mean, 2);           // Gamma(100, 1/100): mean 1
        Assert.Equal(0.01, variance, 3);      // variance 100 / 100² = 0.01
        Assert.All(one, x => Assert.True(x > 0));
    }

    [Fact]
    public void InitialLambdaHasGamma100sSkewAndDependsOnTheSeed()
    {
        var draws = TrainingData.InitialLambda(1000, 40, seed: 3, threads: 1);
        double mean = draws.Average(x => (double)x);
        double sd = Math.Sqrt(draws.Average(x => (x - mean) * (x - mean)));
        double skew = draws.Average(x => Math.Pow((x - mean) / sd, 3));
        Assert.InRange(skew, 0.2 - 0.06, 0.2 + 0.06);   // Gamma(100): 2/√100 = 0.2 (a normal sampler gives 0; SE ≈ 0.015)
        Assert.NotEqual(draws, TrainingData.InitialLambda(1000, 40, seed: 4, threads: 1));
    }
}
