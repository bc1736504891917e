using System.Numerics;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

public sealed class SpecialFunctionsTests
{
    // Reference values from mpmath (30 digits): x, ψ(x), ln Γ(x), ψ′(x).
    public static TheoryData<double, double, double, double> Reference => new()
    {
        { 1e-08, -100000000.57721564636, 18.420680738180208884, 10000000000000001.226 },
        { 0.001, -1000.5755719318102797, 6.9071788853838536617, 1000001.6425331958273 },
        { 0.01, -100.56088545786867242, 4.5994798780420217016, 10001.621213528312804 },
        { 0.1, -10.423754940411076232, 2.252712651734205902, 101.4332991507927477 },
        { 0.5, -1.9635100260214234794, 0.57236494292470008707, 4.9348022005446793094 },
        { 1.0, -0.57721566490153286061, 0.0, 1.6449340668482264365 },
        { 1.5, 0.036489973978576520559, -0.12078223763524522235, 0.93480220054467930942 },
        { 2.0, 0.42278433509846713939, 0.0, 0.64493406684822643647 },
        { 3.7, 1.1671535393615114409, 1.4280723266653881292, 0.31003785767003830216 },
        { 5.99, 1.704302797413848917, 4.7704396377154041702, 0.18165144551675371013 },
        { 6.0, 1.7061176684318004727, 4.7874917427820459942, 0.18132295573711532536 },
        { 10.0, 2.2517525890667211076, 12.801827480081469611, 0.10516633568168574612 },
        { 25.5, 3.2189424728839197665, 56.389167643719946744, 0.039994669649562924037 },
        { 100.0, 4.6001618527380874002, 359.13420536957539878, 0.010050166663333571395 },
        { 1234.5, 7.1180162318279978433, 7550.5509010778948957, 0.0008103727271269666527 },
        { 1000000.0, 13.815510057964190771, 12815504.56914761166, 1.0000005000001666667e-6 },
        { 10000000000.0, 23.02585092989045684, 220258509288.81058147, 1.00000000005e-10 },
    };

    /// <summary>|a − b| / |b|, falling back to absolute error where the reference is 0 (ln Γ(1), ln Γ(2)).</summary>
    private static double RelativeError(double actual, double expected) =>
        Math.Abs(actual - expected) / (expected == 0 ? 1 : Math.Abs(expected));

    /// <summary>Float results are checked relative to max(|b|, 1): near ψ's root (x ≈ 1.4616) only absolute accuracy is meaningful.</summary>
    private static double FloatError(double actual, double expected) =>
        Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1);

    [Theory]
    [MemberData(nameof(Reference))]
    public void DoublePrecisionMatchesReferenceValuesWithin1e6(double x, double digamma, double logGamma, double trigamma)
    {
        Assert.True(RelativeError(SpecialFunctions.Digamma(x), digamma) <= 1e-6, $"ψ({x}) = {SpecialFunctions.Digamma(x)}");
        Assert.True(RelativeError(SpecialFunctions.LogGamma(x), logGamma) <= 1e-6, $"lnΓ({x}) = {SpecialFunctions.LogGamma(x)}");
        Assert.True(RelativeError(SpecialFunctions.Trigamma(x), trigamma) <= 1e-6, $"ψ′({x}) = {SpecialFunctions.Trigamma(x)}");
    }

    [Theory]
    [MemberData(nameof(Reference))]
    public void SinglePrecisionDigammaMatchesReferenceValuesWithin5e6(double x, double digamma, double logGamma, double trigamma)
    {
        _ = logGamma;
        _ = trigamma;
        float scalar = SpecialFunctions.Digamma((float)x);
        Assert.True(FloatError(scalar, digamma) <= 5e-6, $"scalar ψ({x}) = {scalar}");
        var vector = new float[17];
        SpecialFunctions.Digamma(Enumerable.Repeat((float)x, 17).ToArray(), vector);
        Assert.All(vector, v => Assert.True(FloatError(v, digamma) <= 5e-6, $"vector ψ({x}) = {v}"));
    }

    /// <summary>Spans of every length up to 40 with distinct values: the SIMD body, the tail (recomputed as the span's last
    /// whole vector when destination is another span, scalar when it is x itself) and short spans all give each lane its own ψ.</summary>
    [Fact]
    public void SpanDigammaGivesEveryLaneItsOwnValueAtAnyLengthInPlaceOrNot()
    {
        var random = new Random(7);
        for (int length = 1; length <= 40; length++)
        {
            var x = Enumerable.Range(0, length).Select(_ => (float)Math.Pow(10, random.NextDouble() * 6 - 3)).ToArray();
            var separate = new float[length];
            SpecialFunctions.Digamma(x, separate);
            var inPlace = (float[])x.Clone();
            SpecialFunctions.Digamma(inPlace, inPlace);
            for (int i = 0; i < length; i++)
            {
                double expected = SpecialFunctions.Digamma((double)x[i]);
                Assert.True(FloatError(separate[i], expected) <= 5e-6, $"length {length}, lane {i}: ψ({x[i]}) = {separate[i]}, expected {expected}");
                Assert.True(FloatError(inPlace[i], expected) <= 5e-6, $"in place, length {length}, lane {i}: ψ({x[i]}) = {inPlace[i]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void EdgeInputsGiveThePolesLimitNaNOrInfinity()
    {
        Assert.Equal(double.NegativeInfinity, SpecialFunctions.Digamma(0.0));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(0.0));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.Trigamma(0.0));
        Assert.True(double.IsNaN(SpecialFunctions.Digamma(double.NaN)));
        Assert.True(double.IsNaN(SpecialFunctions.LogGamma(double.NaN)));
        Assert.True(double.IsNaN(SpecialFunctions.Trigamma(double.NaN)));
        Assert.True(double.IsNaN(SpecialFunctions.Digamma(-1.5)));
        Assert.True(double.IsNaN(SpecialFunctions.Digamma(double.NegativeInfinity)));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.Digamma(double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(double.PositiveInfinity));
        Assert.Equal(0, SpecialFunctions.Trigamma(double.PositiveInfinity));

        float[] inputs = [0f, float.NaN, -2f, float.NegativeInfinity, float.PositiveInfinity, 1e-30f, float.Epsilon, 3e38f, 1f];
        var vector = new float[inputs.Length];
        SpecialFunctions.Digamma(inputs, vector);
        for (int i = 0; i < inputs.Length; i++)
        {
            float scalar = SpecialFunctions.Digamma(inputs[i]);
            Assert.True(scalar.Equals(vector[i]) || FloatError(vector[i], scalar) <= 5e-6, $"ψ({inputs[i]}): scalar {scalar}, vector {vector[i]}");
        }
        Assert.Equal(float.NegativeInfinity, vector[0]);
        Assert.True(float.IsNaN(vector[1]) && float.IsNaN(vector[2]) && float.IsNaN(vector[3]));
        Assert.Equal(float.PositiveInfinity, vector[4]);
        Assert.True(vector[5] < -1e29f && float.IsFinite(vector[5]));
        Assert.True(float.IsFinite(vector[7]));
    }

    [Fact]
    public void RecurrencesHoldOnRandomPositiveInputs()
    {
        var random = new Random(20091);
        for (int i = 0; i < 2000; i++)
        {
            double x = Math.Pow(10, random.NextDouble() * 12 - 5); // 1e-5 .. 1e7
            Assert.True(RelativeError(SpecialFunctions.Digamma(x + 1), SpecialFunctions.Digamma(x) + 1 / x) <= 1e-9, $"ψ recurrence at {x}");
            Assert.True(RelativeError(SpecialFunctions.LogGamma(x + 1), SpecialFunctions.LogGamma(x) + Math.Log(x)) <= 1e-9
                || Math.Abs(SpecialFunctions.LogGamma(x + 1) - SpecialFunctions.LogGamma(x) - Math.Log(x)) <= 1e-9, $"lnΓ recurrence at {x}");
            Assert.True(RelativeError(SpecialFunctions.Trigamma(x), SpecialFunctions.Trigamma(x + 1) + 1 / (x * x)) <= 1e-9, $"ψ′ recurrence at {x}");
        }
    }

    [Fact]
    public void FloatDigammaAgreesWithDoubleOnRandomPositiveInputsForEveryVectorTail()
    {
        var random = new Random(2010);
        for (int length = 0; length <= 40; length++)
        {
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)Math.Pow(10, random.NextDouble() * 14 - 6); // 1e-6 .. 1e8
            var vector = new float[length];
            SpecialFunctions.Digamma(x, vector);
            for (int i = 0; i < length; i++)
            {
                double expected = SpecialFunctions.Digamma((double)x[i]);
                Assert.True(FloatError(vector[i], expected) <= 5e-6, $"vector ψ({x[i]}) = {vector[i]}, double {expected}");
                Assert.True(FloatError(SpecialFunctions.Digamma(x[i]), expected) <= 5e-6, $"scalar ψ({x[i]})");
            }
        }
    }

    [Fact]
    public void VectorDigammaMayWriteInPlace()
    {
        float[] x = [0.3f, 1f, 2f, 7f, 11f, 0.01f, 5f, 9f, 100f];
        var expected = new float[x.Length];
        SpecialFunctions.Digamma(x, expected);
        SpecialFunctions.Digamma(x, x);
        Assert.Equal(expected, x);
    }
}

public sealed class SpecialFunctionsVectorLogGammaTests
{
    [Fact]
    public void FloatLogGammaAgreesWithDoubleOnRandomPositiveInputsForEveryVectorTail()
    {
        var random = new Random(1984);
        for (int length = 0; length <= 40; length++)
        {
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)Math.Pow(10, random.NextDouble() * 14 - 6); // 1e-6 .. 1e8
            var vector = new float[length];
            SpecialFunctions.LogGamma(x, vector);
            for (int i = 0; i < length; i++)
            {
                double expected = SpecialFunctions.LogGamma((double)x[i]);
                Assert.True(Math.Abs(vector[i] - expected) / Math.Max(Math.Abs(expected), 1) <= 5e-6, $"lnΓ({x[i]}) = {vector[i]}, double {expected}");
            }
        }
    }

    [Fact]
    public void FloatLogGammaHandlesEdgeInputs()
    {
        float[] x = [0f, float.NaN, -1f, float.PositiveInfinity, 1f, 2f, 0.5f, 3e38f, 1e-30f];
        var result = new float[x.Length];
        SpecialFunctions.LogGamma(x, result);
        Assert.Equal(float.PositiveInfinity, result[0]);
        Assert.True(float.IsNaN(result[1]) && float.IsNaN(result[2]));
        Assert.Equal(float.PositiveInfinity, result[3]);
        Assert.Equal(0f, result[4], 5);
        Assert.Equal(0f, result[5], 5);
        Assert.Equal(0.5723649f, result[6], 5);
        Assert.Equal(float.PositiveInfinity, result[7]); // ln Γ(3e38) ≈ 2.6e40 is beyond float
        Assert.Equal(69.07755f, result[8], 3);
    }
}

/// <summary>exp(ψ(x)) without ψ's logarithm (<see cref="SpecialFunctions.ExpDigamma"/>) and the exponential it uses
/// (<see cref="SpecialFunctions.ExpNonPositive"/>), held to the double-precision definitions.</summary>
public sealed class SpecialFunctionsExpDigammaTests
{
    private static float ExpDigamma(float x) => SpecialFunctions.ExpDigamma(new Vector<float>(x))[0];

    [Fact]
    public void ExpDigammaAgreesWithTheExponentialOfDoublePsiFromSubnormalResultsToLargeArguments()
    {
        var random = new Random(5);
        for (int i = 0; i < 100_000; i++)
        {
            float x = (float)Math.Pow(10, random.NextDouble() * 10 - 2.5);   // 0.003 .. 3e7: results from 0 to 3e7
            double psi = SpecialFunctions.Digamma((double)x), expected = Math.Exp(psi);
            float actual = ExpDigamma(x);
            if (expected < 1e-37)
                Assert.True(actual >= 0 && actual < 1e-36f, $"exp(ψ({x})) = {actual}, expected {expected}");
            else
                // the shift's exponential carries the float rounding of Σ 1/(x+i) ≈ |ψ(x)| for small x, as exp(ψ − ψ(s)) carried ψ's
                Assert.True(Math.Abs(actual - expected) <= 2e-6 * Math.Max(1, Math.Abs(psi)) * expected, $"exp(ψ({x})) = {actual}, expected {expected}");
        }
    }

    [Fact]
    public void ExpDigammaIsContinuousWhereTheShiftStops()
    {
        foreach (float x in new[] { 5.999999f, 6f, 6.000001f, 1f, 2f, 0.5f })
        {
            double expected = Math.Exp(SpecialFunctions.Digamma((double)x));
            Assert.True(Math.Abs(ExpDigamma(x) - expected) <= 1e-6 * expected, $"exp(ψ({x})) = {ExpDigamma(x)}, expected {expected}");
        }
    }

    [Fact]
    public void ExpDigammaEdgeLanesOfItsDomainGiveZeroOrInfinityWhateverTheirNeighbours()
    {
        float[] inputs = [2e-30f, 1e-20f, 0.01f, 0.0115f, float.PositiveInfinity, 3e38f, 1f];
        var lanes = new float[Vector<float>.Count];
        for (int at = 0; at < inputs.Length; at++)
        {
            Array.Fill(lanes, 2f);
            lanes[at % lanes.Length] = inputs[at];
            float actual = SpecialFunctions.ExpDigamma(new Vector<float>(lanes))[at % lanes.Length];
            double expected = Math.Exp(SpecialFunctions.Digamma((double)inputs[at]));
            if (expected < 1e-37) Assert.True(actual >= 0 && actual < 1e-36f, $"exp(ψ({inputs[at]})) = {actual}, expected {expected}");
            else if (double.IsInfinity(expected)) Assert.Equal(float.PositiveInfinity, actual);
            else Assert.True(Math.Abs(actual - expected) <= 1e-5 * expected, $"exp(ψ({inputs[at]})) = {actual}, expected {expected}");
        }
    }

    [Fact]
    public void ExpNonPositiveIsExpWithinAnUlpAndZeroBelowTheNormalRange()
    {
        var random = new Random(6);
        for (int i = 0; i < 100_000; i++)
        {
            float a = (float)(-random.NextDouble() * 87.33);
            double expected = Math.Exp(a);
            float actual = SpecialFunctions.ExpNonPositive(new Vector<float>(a))[0];
            Assert.True(Math.Abs(actual - expected) <= 1.5e-7 * expected, $"exp({a}) = {actual}, expected {expected}");
        }
        Assert.Equal(1f, SpecialFunctions.ExpNonPositive(Vector<float>.Zero)[0]);
        Assert.Equal(0f, SpecialFunctions.ExpNonPositive(new Vector<float>(-87.34f))[0]);
        Assert.Equal(0f, SpecialFunctions.ExpNonPositive(new Vector<float>(-1e30f))[0]);
        Assert.Equal(0f, SpecialFunctions.ExpNonPositive(new Vector<float>(float.NegativeInfinity))[0]);
        Assert.Equal(0f, SpecialFunctions.ExpNonPositive(new Vector<float>(float.NaN))[0]);
    }
}

/// <summary>The inline vector logarithm and ψ with ln Γ computed together (the β part of the bound), held to the
/// double-precision definitions.</summary>
public sealed class SpecialFunctionsVectorLogTests
{
    [Fact]
    public void LnIsTheLogarithmWithinTwoUlpsFromTheSmallestNormalToTheLargestFloat()
    {
        var random = new Random(8);
        for (int i = 0; i < 100_000; i++)
        {
            float x = (float)Math.Pow(2, random.NextDouble() * 252 - 126);
            double expected = Math.Log(x);
            float actual = SpecialFunctions.Ln(new Vector<float>(x))[0];
            Assert.True(Math.Abs(actual - expected) <= 1.2e-7 * Math.Max(Math.Abs(expected), 1), $"ln({x}) = {actual}, expected {expected}");
        }
        foreach (float x in new[] { 1f, 2f, 0.5f, 1.41421356f, 1.4142137f, float.MaxValue, 1.17549435E-38f })
            Assert.True(Math.Abs(SpecialFunctions.Ln(new Vector<float>(x))[0] - Math.Log(x)) <= 1.2e-7 * Math.Max(Math.Abs(Math.Log(x)), 1), $"ln({x})");
        Assert.Equal(0f, SpecialFunctions.Ln(Vector<float>.One)[0]);
    }

    [Fact]
    public void DigammaLogGammaAgreesWithTheDoublePrecisionDefinitionsAcrossTheDomain()
    {
        var random = new Random(9);
        for (int i = 0; i < 50_000; i++)
        {
            float x = (float)Math.Pow(10, random.NextDouble() * 36 - 29);   // 1e-29 .. 1e7
            SpecialFunctions.DigammaLogGamma(new Vector<float>(x), out var psi, out var logGamma);
            double expectedPsi = SpecialFunctions.Digamma((double)x), expectedLogGamma = SpecialFunctions.LogGamma((double)x);
            // relative to max(|value|, 1): near the roots (ψ at 1.46, lnΓ at 1 and 2) only absolute accuracy is meaningful
            Assert.True(Math.Abs(psi[0] - expectedPsi) <= 5e-6 * Math.Max(Math.Abs(expectedPsi), 1), $"ψ({x}) = {psi[0]}, expected {expectedPsi}");
            Assert.True(Math.Abs(logGamma[0] - expectedLogGamma) <= 5e-6 * Math.Max(Math.Abs(expectedLogGamma), 1), $"lnΓ({x}) = {logGamma[0]}, expected {expectedLogGamma}");
        }
    }
}
