using TopicEngine.Synthetic;

namespace TopicEngine.Tests;

public sealed class SyntheticRandomTests
{
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.7)]
    [InlineData(250.0)]
    public void GammaDrawsHaveMeanAndVarianceEqualToShape(double shape)
    {
        var rng = SyntheticRandom.For(11, 9, 0);
        const int n = 200_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double x = Math.Exp(rng.NextLogGamma(shape));
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        // Standard error of the mean is sqrt(shape/n); allow 5 of them.
        Assert.InRange(mean, shape - 5 * Math.Sqrt(shape / n), shape + 5 * Math.Sqrt(shape / n));
        Assert.InRange(variance / shape, 0.9, 1.1);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(4.0)]
    [InlineData(10.0)]
    [InlineData(230.0)]
    [InlineData(5000.0)]
    public void PoissonDrawsHaveMeanAndVarianceEqualToRate(double rate)
    {
        var rng = SyntheticRandom.For(5, 9, 1);
        const int n = 200_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double x = rng.NextPoisson(rate);
            Assert.True(x >= 0);
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        Assert.InRange(mean, rate - 5 * Math.Sqrt(rate / n), rate + 5 * Math.Sqrt(rate / n));
        Assert.InRange(variance / rate, 0.97, 1.03);
    }

    [Fact]
    public void DirichletWithTinyConcentrationsStillSumsToOne()
    {
        var rng = SyntheticRandom.For(3, 9, 2);
        var concentration = Enumerable.Repeat(1e-4, 1000).ToArray();
        var result = new float[1000];
        rng.NextDirichlet(concentration, result, new double[1000]);
        Assert.All(result, p => Assert.True(p >= 0 && float.IsFinite(p)));
        Assert.Equal(1.0, result.Sum(p => (double)p), 4);
    }

    [Fact]
    public void StreamsDifferByIndexAndRepeatForTheSameIndex()
    {
        var a = SyntheticRandom.For(1, 2, 3);
        var b = SyntheticRandom.For(1, 2, 3);
        var c = SyntheticRandom.For(1, 2, 4);
        ulong first = a.NextUInt64();
        Assert.Equal(first, b.NextUInt64());
        Assert.NotEqual(first, c.NextUInt64());
    }
}
