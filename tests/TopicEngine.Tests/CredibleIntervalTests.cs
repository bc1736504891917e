using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>θ credible intervals: Beta quantiles against independently computed values, and coverage of draws from a known Dirichlet.</summary>
public sealed class CredibleIntervalTests
{
    /// <summary>Quantiles x = F⁻¹(p) of Beta(a, b), computed once with SciPy 1.10.1:
    /// <c>scipy.stats.beta.ppf(p, a, b)</c> (Debian's python3-scipy).</summary>
    [Theory]
    [InlineData(0.05, 500, 0.05, 1.1158349538981198e-29)]
    [InlineData(0.05, 500, 0.95, 0.0005322285616617497)]
    [InlineData(2, 3, 0.05, 0.09761146288641434)]
    [InlineData(2, 3, 0.95, 0.7513953742698181)]
    [InlineData(100.5, 3000, 0.05, 0.02736041019398558)]
    [InlineData(100.5, 3000, 0.95, 0.03781068571229767)]
    [InlineData(0.5, 0.5, 0.05, 0.0061558297024311365)]
    [InlineData(1, 1, 0.3, 0.3)]
    [InlineData(5000, 20000, 0.95, 0.2041747160336703)]
    [InlineData(0.01, 0.1, 0.5, 9.334207920375436e-27)]
    [InlineData(30, 0.2, 0.05, 0.9657868635424709)]
    public void QuantileMatchesScipyBetaPpf(double a, double b, double p, double expected)
    {
        double x = BetaDistribution.Quantile(a, b, p);
        Assert.True(Math.Abs(x - expected) <= 1e-9 * expected, $"Beta({a}, {b}) quantile {p}: {x:R}, SciPy {expected:R}");
        Assert.Equal(p, BetaDistribution.Cdf(a, b, x), 1e-10);
    }

    /// <summary>I_x(a, b) against the density integrated numerically (composite Simpson, 20,000 panels) — an
    /// independent route to the same number.</summary>
    [Theory]
    [InlineData(2, 3, 0.3)]
    [InlineData(5.5, 1.5, 0.8)]
    [InlineData(40, 60, 0.38)]
    [InlineData(1, 7, 0.05)]
    public void CdfMatchesNumericIntegrationOfTheDensity(double a, double b, double x)
    {
        const int panels = 20_000;
        double h = x / panels, sum = 0;
        for (int i = 0; i <= panels; i++)
        {
            double t = i * h;
            double f = t == 0 ? (a == 1 ? Math.Exp(-BetaDistribution.LogBeta(a, b)) : 0) : Math.Exp(BetaDistribution.LogDensity(a, b, t));
            sum += f * (i == 0 || i == panels ? 1 : i % 2 == 1 ? 4 : 2);
        }
        Assert.Equal(sum * h / 3, BetaDistribution.Cdf(a, b, x), 1e-9);
    }

    /// <summary>ThetaIntervals reuses the last quantiles for an equal γ_k (most topics of a document sit at α): every
    /// interval must still be Beta(γ_k, Σγ − γ_k)'s own, whatever order equal and unequal values come in.</summary>
    [Fact]
    public void IntervalsOfRepeatedAndDistinctGammaAreEachTopicsOwn()
    {
        float[] gamma = [0.01f, 0.01f, 7.5f, 0.01f, 0.02f, 0.02f, 0.01f, 30f, 7.5f];
        var lower = new float[gamma.Length];
        var upper = new float[gamma.Length];
        BetaDistribution.ThetaIntervals(gamma, 0.9, lower, upper);
        double sum = gamma.Sum(g => (double)g);
        for (int k = 0; k < gamma.Length; k++)
        {
            Assert.Equal((float)BetaDistribution.Quantile(gamma[k], sum - gamma[k], 0.05, BetaDistribution.FloatTolerance), lower[k]);
            Assert.Equal((float)BetaDistribution.Quantile(gamma[k], sum - gamma[k], 0.95, BetaDistribution.FloatTolerance), upper[k]);
        }
    }

    /// <summary>The quantile inverts the CDF for every shape pair, including a long document's dominant topic (a in the
    /// thousands, b small: there the CDF's rounding floor once sent a converged search back to bisection and returned 0.878
    /// for Beta(2500, 17)'s 0.95 quantile of 0.996).</summary>
    [Fact]
    public void QuantileInvertsTheCdfAtEveryShapeIncludingLargeOnes()
    {
        double[] shapes = [0.01, 0.3, 1, 17, 120, 2500, 40_000];
        foreach (double a in shapes)
            foreach (double b in shapes)
                foreach (double p in new[] { 0.05, 0.5, 0.95 })
                    foreach (double tolerance in new[] { 1e-13, BetaDistribution.FloatTolerance })
                    {
                        double q = BetaDistribution.Quantile(a, b, p, tolerance), cdf = BetaDistribution.Cdf(a, b, q);
                        // with b ≪ 1 the quantile can lie closer to 1 than any double below 1 (or, at float tolerance, than the search
                        // resolves): then q stops just short of it
                        bool beyondDoubles = q > 1 - 10 * tolerance && cdf <= p;
                        Assert.True(Math.Abs(cdf - p) < 1e-6 || beyondDoubles, $"a {a}, b {b}, p {p}: q {q}, CDF {cdf}");
                    }
    }

    /// <summary>The float-precision search (what doc_topics stores) lands within one float step of the full-precision
    /// quantile, across shapes from far below 1 to the thousands and both tails.</summary>
    [Fact]
    public void FloatToleranceQuantilesAreWithinAFloatStepOfFullPrecision()
    {
        double[] shapes = [0.01, 0.05, 0.3, 1, 2.5, 17, 120, 2500];
        foreach (double a in shapes)
            foreach (double b in shapes)
                foreach (double p in new[] { 0.05, 0.5, 0.95 })
                {
                    double exact = BetaDistribution.Quantile(a, b, p);
                    double loose = BetaDistribution.Quantile(a, b, p, BetaDistribution.FloatTolerance);
                    Assert.True(Math.Abs(loose - exact) <= 1e-8 * exact, $"a {a}, b {b}, p {p}: {loose} vs {exact}");
                    float stored = (float)loose, nearest = (float)exact;
                    Assert.True(stored == nearest || Math.Abs(stored - nearest) <= MathF.BitIncrement(nearest) - nearest,
                        $"a {a}, b {b}, p {p}: {stored} vs {nearest}");
                }
    }

    [Fact]
    public void QuantileEdgesAndBadInput()
    {
        Assert.Equal(0, BetaDistribution.Quantile(2, 3, 0));
        Assert.Equal(1, BetaDistribution.Quantile(2, 3, 1));
        Assert.True(double.IsNaN(BetaDistribution.Quantile(0, 3, 0.5)));
        Assert.True(double.IsNaN(BetaDistribution.Quantile(2, 3, double.NaN)));
        Assert.True(double.IsNaN(BetaDistribution.Cdf(-1, 3, 0.5)));
        Assert.Equal(0, BetaDistribution.Cdf(2, 3, -0.1));
        Assert.Equal(1, BetaDistribution.Cdf(2, 3, 1.5));
    }

    /// <summary>Coverage: θ drawn from Dir(γ) (each θ_k = G_k / Σ G, G_k ~ Gamma(γ_k, 1) by Marsaglia–Tsang) falls inside the
    /// 90% interval of topic k for 90% of the draws, within 1 point (≈ 4.7 binomial standard deviations at 20,000 draws).
    /// γ mixes a sub-1 share, a middling one and dominant ones, K = 5.</summary>
    [Fact]
    public void NinetyPercentIntervalsCoverNinetyPercentOfDirichletDraws()
    {
        float[] gamma = [0.3f, 2f, 7.5f, 40f, 0.9f];
        int k = gamma.Length;
        var lower = new float[k];
        var upper = new float[k];
        BetaDistribution.ThetaIntervals(gamma, 0.9, lower, upper);
        var random = new Random(20261203);
        const int draws = 20_000;
        var inside = new int[k];
        var g = new double[k];
        for (int n = 0; n < draws; n++)
        {
            double sum = 0;
            for (int i = 0; i < k; i++) sum += g[i] = Gamma(random, gamma[i]);
            for (int i = 0; i < k; i++)
            {
                double theta = g[i] / sum;
                if (theta >= lower[i] && theta <= upper[i]) inside[i]++;
            }
        }
        for (int i = 0; i < k; i++)
            Assert.InRange((double)inside[i] / draws, 0.89, 0.91);
    }

    [Fact]
    public void MixtureIntervalsBracketThetaAndNarrowWithMoreWords()
    {
        // the same proportions from 10× more words: Σγ grows, every interval shrinks, and each still holds θ
        var shortDocument = new TopicMixture([1.5f, 3f, 0.5f], 4, 0);
        var longDocument = new TopicMixture([15f, 30f, 5f], 49, 0);
        for (int k = 0; k < 3; k++)
        {
            Assert.InRange(shortDocument.Theta[k], shortDocument.ThetaLower[k], shortDocument.ThetaUpper[k]);
            Assert.InRange(longDocument.Theta[k], longDocument.ThetaLower[k], longDocument.ThetaUpper[k]);
            Assert.True(longDocument.ThetaUpper[k] - longDocument.ThetaLower[k] < shortDocument.ThetaUpper[k] - shortDocument.ThetaLower[k]);
        }
        Assert.Equal(0.9, shortDocument.CredibleLevel);
        var (lo, hi) = shortDocument.CredibleInterval(1, 0.9);
        Assert.Equal(shortDocument.ThetaLower[1], lo, 1e-6);
        Assert.Equal(shortDocument.ThetaUpper[1], hi, 1e-6);
        var (lo50, hi50) = shortDocument.CredibleInterval(1, 0.5);
        Assert.True(lo50 > lo && hi50 < hi);
        var single = new TopicMixture([3f], 2, 0);
        Assert.Equal((1f, 1f), (single.ThetaLower[0], single.ThetaUpper[0]));
    }

    /// <summary>Gamma(shape, 1) by Marsaglia &amp; Tsang (2000); shape &lt; 1 through G(shape+1) · U^(1/shape).</summary>
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1) return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                // standard normal by Box–Muller
                x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }
}
