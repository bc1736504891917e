namespace TopicEngine.Inference;

/// <summary>
/// ψ (digamma) and ln Γ, written once for the whole engine. Digamma uses the recurrence
/// ψ(x) = ψ(x+1) − 1/x until x ≥ 6, then the asymptotic series
/// ψ(x) ≈ ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰).
/// ln Γ uses the same shift and Stirling's series
/// ln Γ(x) ≈ (x − ½) ln x − x + ½ ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷).
/// Inputs must be &gt; 0 (Dirichlet parameters); NaN in gives NaN out.
/// </summary>
internal static class SpecialFunctions
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>ψ(x) in double precision.</summary>
    public static double Digamma(double x)
    {
        double result = 0;
        while (x < 6)
        {
            result -= 1 / x;
            x += 1;
        }
        double f = 1 / (x * x);
        double series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132)))));
        return result + Math.Log(x) - 0.5 / x + series;
    }

    /// <summary>ψ(x) in single precision (same scheme, float arithmetic).</summary>
    public static float Digamma(float x)
    {
        float result = 0;
        while (x < 6f)
        {
            result -= 1f / x;
            x += 1f;
        }
        float f = 1f / (x * x);
        float series = f * (-1f / 12 + f * (1f / 120 + f * (-1f / 252 + f * (1f / 240 + f * (-1f / 132)))));
        return result + MathF.Log(x) - 0.5f / x + series;
    }

    /// <summary>ln Γ(x) in double precision, x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        double shift = 0;
        while (x < 6)
        {
            shift += Math.Log(x);
            x += 1;
        }
        double inv = 1 / x, inv2 = inv * inv;
        double series = inv * (1.0 / 12 + inv2 * (-1.0 / 360 + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680))));
        return (x - 0.5) * Math.Log(x) - x + HalfLog2Pi + series - shift;
    }
}
