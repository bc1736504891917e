using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TopicEngine.Inference;

/// <summary>
/// ψ (digamma), ψ′ (trigamma) and ln Γ, written once for the whole engine. Digamma uses the recurrence
/// ψ(x) = ψ(x+1) − 1/x until x ≥ 6, then the asymptotic series
/// ψ(x) ≈ ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰).
/// ln Γ uses the same shift and Stirling's series
/// ln Γ(x) ≈ (x − ½) ln x − x + ½ ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷).
/// Trigamma: ψ′(x) = ψ′(x+1) + 1/x² until x ≥ 6, then
/// ψ′(x) ≈ 1/x + 1/(2x²) + 1/(6x³) − 1/(30x⁵) + 1/(42x⁷) − 1/(30x⁹).
/// Inputs are Dirichlet parameters (&gt; 0). NaN in gives NaN out; 0 gives the pole's limit from the
/// right (ψ(0) = −∞, ln Γ(0) = +∞, ψ′(0) = +∞); negative inputs give NaN; +∞ gives +∞ (ψ, ln Γ) or 0 (ψ′).
/// </summary>
internal static class SpecialFunctions
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>Below this the vector ψ hands a lane to the scalar one, and <see cref="ExpDigamma(Vector{float})"/>'s callers
    /// take the scalar definition.</summary>
    public const float VectorArgumentFloor = 1e-30f;

    /// <summary>ψ(x) in double precision.</summary>
    public static double Digamma(double x)
    {
        if (!(x > 0)) return x == 0 ? double.NegativeInfinity : double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
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
        if (!(x > 0f)) return x == 0f ? float.NegativeInfinity : float.NaN;
        if (float.IsPositiveInfinity(x)) return x;
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

    /// <summary>ψ of every lane of <paramref name="z"/>, the SIMD form of <see cref="Digamma(float)"/>: lanes below 6 are
    /// shifted to z + 6 with Σ_{i=0..5} 1/(z+i) = P′(z)/P(z), P(z) = z (z+1) … (z+5) (one division instead of six), lanes
    /// from 6 up take the asymptotic series at z itself. Lanes that are ≤ 1e-30 (where P would lose bits to subnormals) or
    /// NaN use the scalar definition.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Digamma(Vector<float> z)
    {
        var one = Vector<float>.One;
        var shifted = ShiftProduct(z, out var p, out var dp);
        var shift = Vector.ConditionalSelect(shifted, Vector.Divide(dp, p), Vector<float>.Zero);
        var y = Vector.ConditionalSelect(shifted, z + new Vector<float>(6f), z);
        var inv = Vector.Divide(one, y);
        var f = inv * inv;
        var r = Vector.Log(y) - new Vector<float>(0.5f) * inv + DigammaSeries(f) - shift;
        // x ≤ 1e-30 (poles, subnormals) or NaN: the scalar definition decides
        if (Vector.GreaterThanAll(z, new Vector<float>(VectorArgumentFloor))) return r;
        return DigammaLanes(z, r);
    }

    /// <summary>
    /// exp(ψ(z)) of every lane without ψ's logarithm (what expElogβ and exp(Elogθ) are made of: exp(ψ(x) − ψ(s)) =
    /// exp(ψ(x)) · exp(−ψ(s))). Lanes below 6 are shifted to y = z + 6 as in <see cref="Digamma(Vector{float})"/>, so
    /// exp(ψ(z)) = exp(ψ(y)) · exp(−Σ_{i=0..5} 1/(z+i)); lanes from 6 up take y = z. With u = y − ½,
    /// exp(ψ(y)) ≈ u + 1/(24u) − 37/(5760u³) + 10313/(2903040u⁵) (relative error below 5e-9 for y ≥ 6), and the shift's
    /// exponential is <see cref="ExpNonPositive"/>, which gives 0 below the smallest normal float (z below about 0.0115).
    /// Every lane must be above <see cref="VectorArgumentFloor"/> (and not NaN): the caller checks, in bulk, and takes
    /// the scalar definition otherwise (no test per vector, which kept the loops around it from holding their values in
    /// registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpDigamma(Vector<float> z)
    {
        var one = Vector<float>.One;
        var shifted = ShiftProduct(z, out var p, out var dp);
        var shift = Vector.ConditionalSelect(shifted, Vector.Divide(dp, p), Vector<float>.Zero);
        var u = Vector.ConditionalSelect(shifted, z + new Vector<float>(5.5f), z - new Vector<float>(0.5f));
        var w = Vector.Divide(one, u);   // (one division for both, 1/(P u), was slower: a longer chain of products)
        var w2 = w * w;
        var series = w * Vector.FusedMultiplyAdd(w2, Vector.FusedMultiplyAdd(w2, new Vector<float>(10313f / 2903040), new Vector<float>(-37f / 5760)),
            new Vector<float>(1f / 24));
        return (u + series) * ExpNonPositive(-shift);
    }

    /// <summary>
    /// ψ(z) and ln Γ(z) of every lane together (what the β part of the bound needs of every λ_kw), sharing the shift and
    /// ln y: lanes below 6 are shifted to y = z + 6 (ψ(z) = ψ(y) − P′(z)/P(z), ln Γ(z) = ln Γ(y) − ln P(z), P(z) = z (z+1) …
    /// (z+5)), lanes from 6 up take y = z; then the series of <see cref="Digamma(double)"/> and <see cref="LogGamma(double)"/>
    /// at y, in float, with <see cref="Ln"/>. Every lane must lie in (<see cref="VectorArgumentFloor"/>, 1e30): the caller
    /// checks, and takes the double-precision definitions otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DigammaLogGamma(Vector<float> z, out Vector<float> psi, out Vector<float> logGamma)
    {
        var one = Vector<float>.One;
        var shifted = ShiftProduct(z, out var p, out var dp);
        var y = Vector.ConditionalSelect(shifted, z + new Vector<float>(6f), z);
        var inv = Vector.Divide(one, y);
        var f = inv * inv;
        var lnY = Ln(y);
        psi = lnY - new Vector<float>(0.5f) * inv + DigammaSeries(f) - Vector.ConditionalSelect(shifted, Vector.Divide(dp, p), Vector<float>.Zero);
        var gammaSeries = inv * (new Vector<float>(1f / 12) + f * (new Vector<float>(-1f / 360) + f * (new Vector<float>(1f / 1260)
                        + f * new Vector<float>(-1f / 1680))));
        logGamma = (y - new Vector<float>(0.5f)) * lnY - y + new Vector<float>((float)HalfLog2Pi) + gammaSeries
                 - Vector.ConditionalSelect(shifted, Ln(p), Vector<float>.Zero);
    }

    /// <summary>
    /// ln x of every lane for positive normal finite x, to about one unit in the last place (Cephes' logf): x = m·2ᵉ with
    /// m in [√½, √2), ln x = e ln 2 + ln(1 + t) for t = m − 1, ln(1 + t) ≈ t − t²/2 + t³ P(t) with P of degree 8 (ln 2 in
    /// two parts). Inline, unlike <see cref="Vector.Log(Vector{float})"/>, whose call made its loops keep their values on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Ln(Vector<float> x)
    {
        var bits = Vector.AsVectorInt32(x);
        var exponent = Vector.ShiftRightArithmetic(bits, 23) - new Vector<int>(127);
        var m = Vector.AsVectorSingle((bits & new Vector<int>(0x007FFFFF)) | new Vector<int>(0x3F800000));   // [1, 2)
        var high = Vector.GreaterThan(m, new Vector<float>(1.41421356237f));                                  // −1 where m > √2
        m = Vector.ConditionalSelect(high, m * new Vector<float>(0.5f), m);
        var e = Vector.ConvertToSingle(exponent - high);
        var t = m - Vector<float>.One;
        var t2 = t * t;
        var poly = Vector.FusedMultiplyAdd(new Vector<float>(7.0376836292e-2f), t, new Vector<float>(-1.1514610310e-1f));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(1.1676998740e-1f));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(-1.2420140846e-1f));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(1.4249322787e-1f));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(-1.6668057665e-1f));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(2.0000714765e-1f));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(-2.4999993993e-1f));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(3.3333331174e-1f));
        var r = Vector.FusedMultiplyAdd(e, new Vector<float>(-2.12194440e-4f), poly * t * t2);
        r = Vector.FusedMultiplyAdd(t2, new Vector<float>(-0.5f), r);
        return Vector.FusedMultiplyAdd(e, new Vector<float>(0.693359375f), t + r);
    }

    /// <summary>
    /// exp(a) of every lane for a ≤ 0, to about one unit in the last place: a = n ln 2 + r with n = round(a / ln 2) and
    /// |r| ≤ ln 2 / 2 (ln 2 in two parts), exp(r) by Cephes' degree-7 polynomial, times 2ⁿ built in the exponent bits.
    /// Lanes below ln(smallest normal float) ≈ −87.34 give 0 (where exp would be subnormal), as do NaN lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpNonPositive(Vector<float> a)
    {
        // n = round(a / ln 2) by adding 1.5·2²³ (whose float spacing is 1): the sum's low bits are n itself
        var magic = new Vector<float>(12582912f);
        var rounded = Vector.FusedMultiplyAdd(a, new Vector<float>(1.44269504088896341f), magic);
        var n = rounded - magic;
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-0.693359375f), a);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(2.12194440e-4f), r);
        var poly = Vector.FusedMultiplyAdd(new Vector<float>(1.9875691500e-4f), r, new Vector<float>(1.3981999507e-3f));
        poly = Vector.FusedMultiplyAdd(poly, r, new Vector<float>(8.3334519073e-3f));
        poly = Vector.FusedMultiplyAdd(poly, r, new Vector<float>(4.1665795894e-2f));
        poly = Vector.FusedMultiplyAdd(poly, r, new Vector<float>(1.6666665459e-1f));
        poly = Vector.FusedMultiplyAdd(poly, r, new Vector<float>(5.0000001201e-1f));
        poly = Vector.FusedMultiplyAdd(poly, r * r, r + Vector<float>.One);
        var power = Vector.AsVectorSingle(Vector.ShiftLeft(Vector.AsVectorInt32(rounded) - new Vector<int>(0x4B400000 - 127), 23));
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(a, new Vector<float>(LogSmallestNormal)), poly * power, Vector<float>.Zero);
    }

    /// <summary>ln of the smallest normal float (2⁻¹²⁶), rounded up: <see cref="ExpNonPositive"/> gives 0 below it.</summary>
    private const float LogSmallestNormal = -87.3365f;

    /// <summary>ψ's asymptotic series past ln y − 1/(2y), in f = 1/y²: −f/12 + f²/120 − f³/252 + f⁴/240 − f⁵/132 (the vector forms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> DigammaSeries(Vector<float> f) =>
        f * (new Vector<float>(-1f / 12) + f * (new Vector<float>(1f / 120) + f * (new Vector<float>(-1f / 252)
        + f * (new Vector<float>(1f / 240) + f * new Vector<float>(-1f / 132)))));

    /// <summary>
    /// The recurrence's shift of the lanes below 6 to z + 6, shared by the vector forms: P(z) = z (z+1) … (z+5) and its
    /// derivative P′(z), built together (so Σ_{i=0..5} 1/(z+i) = P′/P with one division), and the mask of those lanes.
    /// Lanes from 6 up compute P and P′ of a harmless 1; the callers drop them by the mask.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> ShiftProduct(Vector<float> z, out Vector<float> p, out Vector<float> dp)
    {
        var one = Vector<float>.One;
        var shifted = Vector.LessThan(z, new Vector<float>(6f));
        var x = Vector.ConditionalSelect(shifted, z, one);
        var t1 = x + one;
        var t2 = x + new Vector<float>(2f);
        var t3 = x + new Vector<float>(3f);
        var t4 = x + new Vector<float>(4f);
        var t5 = x + new Vector<float>(5f);
        dp = x + t1;                                            // (x (x+1))′
        p = x * t1;
        dp = Vector.FusedMultiplyAdd(dp, t2, p); p *= t2;
        dp = Vector.FusedMultiplyAdd(dp, t3, p); p *= t3;
        dp = Vector.FusedMultiplyAdd(dp, t4, p); p *= t4;
        dp = Vector.FusedMultiplyAdd(dp, t5, p); p *= t5;
        return shifted;
    }

    /// <summary>The lanes of <paramref name="z"/> that the vector form cannot take, by the scalar definition.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector<float> DigammaLanes(Vector<float> z, Vector<float> r)
    {
        for (int lane = 0; lane < Vector<float>.Count; lane++)
        {
            float s = z[lane];
            if (!(s > VectorArgumentFloor)) r = r.WithElement(lane, Digamma(s));
        }
        return r;
    }

    /// <summary>
    /// ψ over a span in single precision, SIMD (<see cref="Digamma(Vector{float})"/> per whole vector).
    /// <paramref name="destination"/> may be the same span as <paramref name="x"/>.
    /// </summary>
    public static void Digamma(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (destination.Length < x.Length) throw new ArgumentException("destination is shorter than x.", nameof(destination));
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            var ds = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int v = 0; v < xs.Length; v++) ds[v] = Digamma(xs[v]);
            i = xs.Length * Vector<float>.Count;
            // A tail shorter than a vector: recompute the last whole vector of the span (it overlaps lanes already done with
            // the same values) instead of the slower scalar path, unless destination aliases x (those lanes now hold ψ).
            if (i < x.Length && !x.Overlaps(destination))
            {
                int last = x.Length - Vector<float>.Count;
                Digamma(x.Slice(last, Vector<float>.Count), destination.Slice(last, Vector<float>.Count));
                return;
            }
        }
        for (; i < x.Length; i++) destination[i] = Digamma(x[i]);
    }

    /// <summary>
    /// ln Γ over a span in single precision, SIMD: ln Γ(x) = ln Γ(x+6) − ln(x (x+1) … (x+5)), then Stirling's series
    /// at x+6. Lanes that are ≤ 0, NaN or above 1e6 (where the product could overflow) use the double scalar path.
    /// Accurate to a few float ulps of the result; used where millions of terms are summed (the β part of the bound).
    /// </summary>
    public static void LogGamma(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (destination.Length < x.Length) throw new ArgumentException("destination is shorter than x.", nameof(destination));
        const float limit = 1e6f;
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            var ds = MemoryMarshal.Cast<float, Vector<float>>(destination);
            var one = Vector<float>.One;
            var half = new Vector<float>(0.5f);
            var zero = Vector<float>.Zero;
            var large = new Vector<float>(limit);
            var halfLog2Pi = new Vector<float>((float)HalfLog2Pi);
            for (int v = 0; v < xs.Length; v++)
            {
                var z = xs[v];
                var z1 = z + one;
                var z2 = z1 + one;
                var z3 = z2 + one;
                var z4 = z3 + one;
                var z5 = z4 + one;
                var product = z * z1 * z2 * z3 * z4 * z5;
                var y = z5 + one;
                var inv = Vector.Divide(one, y);
                var inv2 = inv * inv;
                var series = inv * (new Vector<float>(1f / 12) + inv2 * (new Vector<float>(-1f / 360) + inv2 * new Vector<float>(1f / 1260)));
                var r = (y - half) * Vector.Log(y) - y + halfLog2Pi + series - Vector.Log(product);
                var bad = Vector.OnesComplement(Vector.GreaterThan(z, zero));
                if (bad != Vector<int>.Zero || Vector.GreaterThanAny(z, large))
                {
                    for (int lane = 0; lane < Vector<float>.Count; lane++)
                    {
                        float s = z[lane];
                        if (!(s > 0f) || s > limit) r = r.WithElement(lane, (float)LogGamma((double)s));
                    }
                }
                ds[v] = r;
            }
            i = xs.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) destination[i] = (float)LogGamma((double)x[i]);
    }

    /// <summary>ln Γ(x) in double precision, x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0)) return x == 0 ? double.PositiveInfinity : double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
        // ln Γ(x) = ln Γ(x + m) − ln(x (x+1) … (x+m−1)): one logarithm of the product (≤ 12⁶, no overflow)
        double product = 1;
        while (x < 6)
        {
            product *= x;
            x += 1;
        }
        double inv = 1 / x, inv2 = inv * inv;
        double series = inv * (1.0 / 12 + inv2 * (-1.0 / 360 + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680))));
        return (x - 0.5) * Math.Log(x) - x + HalfLog2Pi + series - Math.Log(product);
    }

    /// <summary>ψ′(x) (trigamma) in double precision, x &gt; 0 — the Hessian of the Dirichlet prior updates.</summary>
    public static double Trigamma(double x)
    {
        if (!(x > 0)) return x == 0 ? double.PositiveInfinity : double.NaN;
        if (double.IsPositiveInfinity(x)) return 0;
        double result = 0;
        while (x < 6)
        {
            result += 1 / (x * x);
            x += 1;
        }
        double inv = 1 / x, inv2 = inv * inv;
        double series = inv + inv2 * (0.5 + inv * (1.0 / 6 + inv2 * (-1.0 / 30 + inv2 * (1.0 / 42 + inv2 * (-1.0 / 30)))));
        return result + series;
    }
}
