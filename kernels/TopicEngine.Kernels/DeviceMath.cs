using ILGPU;
using ILGPU.Algorithms;

namespace TopicEngine.Kernels;

/// <summary>
/// Float special functions and group reductions called from inside kernels. ψ and ln Γ use the
/// scheme of <c>Inference/SpecialFunctions.cs</c> in float XMath:
/// ψ(x) = ψ(x+1) − 1/x until x ≥ 6, then ψ(x) ≈ ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰);
/// ln Γ(x) = ln Γ(x+1) − ln x until x ≥ 6, then Stirling's series
/// ln Γ(x) ≈ (x − ½) ln x − x + ½ ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷).
/// Edges as <c>SpecialFunctions</c>: NaN gives NaN, 0 gives the pole's limit (ψ(0) = −∞,
/// ln Γ(0) = +∞), negative inputs give NaN, +∞ gives +∞. For x &gt; 0 six shifts always reach 6,
/// so the loops are bounded.
/// </summary>
internal static class DeviceMath
{
    private const float HalfLog2Pi = 0.918938533f;

    /// <summary>Added to every φnorm before dividing by it, as <c>LdaMath.PhiNormFloor</c>: expElogβ
    /// underflows to 0 in float for a term whose λ stayed tiny in every topic.</summary>
    public const float PhiNormFloor = 1e-30f;

    /// <summary>Sufficient statistics are accumulated as 64-bit fixed point with 32 fraction bits:
    /// integer atomic adds are associative, so the sum (and λ) does not depend on the order in
    /// which thread groups finish. Resolution 2⁻³² ≈ 2.3·10⁻¹⁰; a batch's s_wk must stay below 2³¹.</summary>
    public const float StatisticsScale = 4294967296f;

    /// <summary>1 / <see cref="StatisticsScale"/>.</summary>
    public const float InverseStatisticsScale = 1f / 4294967296f;

    /// <summary>ψ(x) in float, x &gt; 0.</summary>
    public static float Digamma(float x)
    {
        if (!(x > 0f)) return x == 0f ? float.NegativeInfinity : float.NaN;
        if (XMath.IsInfinity(x)) return x;
        float result = 0f;
        for (int i = 0; i < 6 && x < 6f; i++)
        {
            result -= 1f / x;
            x += 1f;
        }
        float f = 1f / (x * x);
        float series = f * (-1f / 12 + f * (1f / 120 + f * (-1f / 252 + f * (1f / 240 + f * (-1f / 132)))));
        return result + XMath.Log(x) - 0.5f / x + series;
    }

    /// <summary>ln Γ(x) in float, x &gt; 0.</summary>
    public static float LogGamma(float x)
    {
        if (!(x > 0f)) return x == 0f ? float.PositiveInfinity : float.NaN;
        if (XMath.IsInfinity(x)) return x;
        float shift = 0f;
        for (int i = 0; i < 6 && x < 6f; i++)
        {
            shift += XMath.Log(x);
            x += 1f;
        }
        float inv = 1f / x, inv2 = inv * inv;
        float series = inv * (1f / 12 + inv2 * (-1f / 360 + inv2 * (1f / 1260 + inv2 * (-1f / 1680))));
        return (x - 0.5f) * XMath.Log(x) - x + HalfLog2Pi + series - shift;
    }

    /// <summary>This lane's part of Σ_k a_k · b_(offset+k): the topics k ≡ <paramref name="lane"/> (mod warp size), added in
    /// increasing k. <paramref name="unrolled"/> = 1 takes four strides per loop pass (ILGPU 1.5.3 does not unroll; issue 16,
    /// item 8) into the same single accumulator in the same order, so the result is bit-identical to the plain loop.</summary>
    public static float LaneDot(ArrayView<float> a, ArrayView<float> b, int offset, int k, int lane, int unrolled)
    {
        int stride = Warp.WarpSize;
        float dot = 0f;
        int t = lane;
        if (unrolled != 0)
        {
            for (; t + 3 * stride < k; t += 4 * stride)
            {
                float a0 = a[t], a1 = a[t + stride], a2 = a[t + 2 * stride], a3 = a[t + 3 * stride];
                float b0 = b[offset + t], b1 = b[offset + t + stride], b2 = b[offset + t + 2 * stride], b3 = b[offset + t + 3 * stride];
                dot += a0 * b0;
                dot += a1 * b1;
                dot += a2 * b2;
                dot += a3 * b3;
            }
        }
        for (; t < k; t += stride) dot += a[t] * b[offset + t];
        return dot;
    }

    /// <summary>φnorm_w = Σ_k exp(Elogθ_k) expElogβ_wk + <see cref="PhiNormFloor"/> for the term whose expElogβ row starts at
    /// <paramref name="betaRow"/>, the same in every lane of the warp: <see cref="LaneDot"/>, then <see cref="WarpSum(float)"/>.</summary>
    public static float PhiNorm(ArrayView<float> expTheta, ArrayView<float> expElogBeta, int betaRow, int k, int lane, int unrolled) =>
        WarpSum(LaneDot(expTheta, expElogBeta, betaRow, k, lane, unrolled)) + PhiNormFloor;

    /// <summary>Sum of <paramref name="value"/> over the warp, the same in every lane (butterfly
    /// with ShuffleXor; every lane adds the same pairs, so the result is bit-identical).</summary>
    public static float WarpSum(float value)
    {
        for (int mask = Warp.WarpSize / 2; mask > 0; mask >>= 1)
            value += Warp.ShuffleXor(value, mask);
        return value;
    }

    /// <summary>Sum of <paramref name="value"/> over the group, returned to every thread.
    /// <paramref name="scratch"/>: one float per warp in shared memory. Contains one barrier; the
    /// caller must put a barrier between two uses of the same scratch.</summary>
    public static float GroupSum(float value, ArrayView<float> scratch)
    {
        value = WarpSum(value);
        if (Warp.IsFirstLane) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        int warps = Group.DimX / Warp.WarpSize;
        float sum = 0f;
        for (int w = 0; w < warps; w++) sum += scratch[w];
        return sum;
    }

    /// <summary>Sum of <paramref name="value"/> over the warp in double, the same in every lane
    /// (butterfly as <see cref="WarpSum(float)"/>).</summary>
    public static double WarpSum(double value)
    {
        for (int mask = Warp.WarpSize / 2; mask > 0; mask >>= 1)
            value += Warp.ShuffleXor(value, mask);
        return value;
    }

    /// <summary>Sum of <paramref name="value"/> over the group in double, returned to every thread;
    /// warps are added in warp order, so the result does not depend on timing.
    /// <paramref name="scratch"/>: one double per warp in shared memory. Contains one barrier; the
    /// caller must put a barrier between two uses of the same scratch.</summary>
    public static double GroupSum(double value, ArrayView<double> scratch)
    {
        value = WarpSum(value);
        if (Warp.IsFirstLane) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        int warps = Group.DimX / Warp.WarpSize;
        double sum = 0;
        for (int w = 0; w < warps; w++) sum += scratch[w];
        return sum;
    }
}
