namespace TopicEngine.Inference;

/// <summary>
/// The Beta(a, b) distribution's CDF, the regularized incomplete beta function I_x(a, b), and its inverse (the quantile),
/// in double precision: what a credible interval of one topic's share needs, since under q(θ_d) = Dir(γ_d) each
/// θ_dk ~ Beta(γ_dk, Σγ_d − γ_dk).
/// <para>I_x(a, b) = x^a (1−x)^b / (a B(a, b)) · 1/(1+ d1/(1+ d2/(1+ …))), the continued fraction of Abramowitz &amp; Stegun
/// 26.5.8, evaluated by the modified Lentz method, used directly for x &lt; (a+1)/(a+b+2) and through
/// I_x(a, b) = 1 − I_{1−x}(b, a) above (where it converges fast). The quantile starts from the normal approximation of
/// A&amp;S 26.5.22 (a, b ≥ 1) or from the tails' power laws I_x ≈ x^a/(a B) and 1 − I_x ≈ (1−x)^b/(b B) (otherwise), and
/// refines by Halley steps on I_x − p inside a shrinking bracket, falling back to bisection when a step leaves it
/// (the scheme of Numerical Recipes 3rd ed. §6.14, made safe by the bracket).</para>
/// </summary>
internal static class BetaDistribution
{
    /// <summary>The credible level of θ intervals unless asked otherwise (<c>infer --interval</c>; fit's doc_topics.parquet).</summary>
    public const double DefaultCredibleLevel = 0.9;

    private const double Epsilon = 1e-15;
    private const double Tiny = 1e-300;

    /// <summary>I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b); a, b &gt; 0. 0 below 0, 1 above 1, NaN for NaN or bad parameters.</summary>
    public static double Cdf(double a, double b, double x)
    {
        if (!(a > 0) || !(b > 0) || double.IsNaN(x) || double.IsInfinity(a) || double.IsInfinity(b)) return double.NaN;
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        return Cdf(a, b, x, LogBeta(a, b));
    }

    /// <summary><see cref="Cdf(double, double, double)"/> for 0 &lt; x &lt; 1 with ln B(a, b) given (a quantile search reuses it).</summary>
    private static double Cdf(double a, double b, double x, double logBeta, double epsilon = Epsilon) =>
        Cdf(a, b, x, logBeta, epsilon, out _);

    /// <summary>The same, also giving the front factor x^a (1−x)^b / B(a, b), which is x (1−x) times the density (so a
    /// quantile search's Newton step needs no logarithm or exponential of its own).</summary>
    private static double Cdf(double a, double b, double x, double logBeta, double epsilon, out double front)
    {
        front = Math.Exp(a * Math.Log(x) + b * Log1P(-x) - logBeta);
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(a, b, x, epsilon) / a
            : 1 - front * ContinuedFraction(b, a, 1 - x, epsilon) / b;
    }

    /// <summary>ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).</summary>
    public static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>
    /// ln Γ(x) to ~1e-15 relative: the recurrence up to x ≥ 20, then Stirling's series through the 1/(1188 x⁹) term.
    /// (<see cref="SpecialFunctions.LogGamma(double)"/> stops at x ≥ 6 and 1/(1680 x⁷), an error of ~1e-10 — enough for the
    /// bound, but a quantile near 0 with a small shape a magnifies it by 1/a.)
    /// </summary>
    internal static double LogGamma(double x)
    {
        if (!(x > 0)) return x == 0 ? double.PositiveInfinity : double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
        double logProduct = 0, product = 1;
        while (x < 20)
        {
            product *= x;
            if (product < 1e-280) { logProduct += Math.Log(product); product = 1; }
            x += 1;
        }
        logProduct += Math.Log(product);
        double inv = 1 / x, inv2 = inv * inv;
        double series = inv * (1.0 / 12 + inv2 * (-1.0 / 360 + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680 + inv2 * (1.0 / 1188)))));
        return (x - 0.5) * Math.Log(x) - x + 0.91893853320467274178 + series - logProduct;
    }

    /// <summary>The density's logarithm, (a−1) ln x + (b−1) ln(1−x) − ln B(a, b), for 0 &lt; x &lt; 1.</summary>
    public static double LogDensity(double a, double b, double x) =>
        (a - 1) * Math.Log(x) + (b - 1) * Log1P(-x) - LogBeta(a, b);

    /// <summary>The relative tolerance of quantiles that are stored as float (θ intervals): 1e-9, well inside a float's
    /// 6e-8 rounding step, so the stored value is the float nearest the exact quantile but for rare ties of one unit in the last
    /// place; the search takes about a third less time than at <see cref="Quantile(double, double, double, double)"/>'s default of 1e-13.</summary>
    public const double FloatTolerance = 1e-9;

    /// <summary>The p-quantile: the x in [0, 1] with I_x(a, b) = p, to <paramref name="relativeTolerance"/> (the default gives
    /// ~1e-12). p = 0 gives 0, p = 1 gives 1. The continued fraction of each CDF evaluation stops at a thousandth of the
    /// tolerance (at least 1e-15).</summary>
    public static double Quantile(double a, double b, double p, double relativeTolerance = 1e-13)
    {
        if (!(a > 0) || !(b > 0) || !(p >= 0 && p <= 1) || double.IsInfinity(a) || double.IsInfinity(b)) return double.NaN;
        if (p == 0) return 0;
        if (p == 1) return 1;
        return Quantile(a, b, p, relativeTolerance, LogBeta(a, b));
    }

    /// <summary><see cref="Quantile(double, double, double, double)"/> for valid a, b and 0 &lt; p &lt; 1, with ln B(a, b)
    /// given (both ends of an interval share it).</summary>
    private static double Quantile(double a, double b, double p, double relativeTolerance, double logBeta)
    {
        double x = InitialGuess(a, b, p);
        double lo = 0, hi = 1;
        double epsilon = Math.Max(Epsilon, relativeTolerance * 1e-3);
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double error = Cdf(a, b, x, logBeta, epsilon, out double front) - p;
            if (error == 0) return x;
            if (error < 0) lo = x; else hi = x;
            // Newton step error / f(x), with Halley's correction using f'(x)/f(x) = (a−1)/x − (b−1)/(1−x); the density
            // f(x) = x^(a−1) (1−x)^(b−1) / B(a, b) is the CDF's front factor over x (1−x)
            double density = front / (x * (1 - x));
            double next;
            if (density > 0 && double.IsFinite(density))
            {
                double u = error / density;
                // The correction is clamped to [−1, 1]: far in a tail (u · f'/f ≪ −1) it shrank every step to ~2/(f'/f), and the
                // search crawled for 200 iterations and returned 0.994 for Beta(40000, 0.01)'s median; clamped, the step
                // leaves the bracket and bisection takes over.
                double step = u / (1 - 0.5 * Math.Clamp(u * ((a - 1) / x - (b - 1) / (1 - x)), -1, 1));
                next = x - step;
                // converged: this step is within the tolerance. Tested before the bracket, because at the CDF's rounding floor
                // (I_x near 1, error ~1e-15) the step can land on x itself, which is also the bracket's end: the bisection
                // that followed threw a converged Beta(2500, 17) search to 0.5 and returned 0.878 for a 0.996 quantile.
                if (Math.Abs(step) <= relativeTolerance * x) return next > lo && next < hi ? next : x;
            }
            else next = double.NaN;
            if (!(next > lo && next < hi))
                next = lo > 0 && hi / lo > 1e3 ? Math.Sqrt(lo * hi) : 0.5 * (lo + hi);   // bisect (geometrically across decades)
            if (Math.Abs(next - x) <= relativeTolerance * Math.Max(x, 1e-300) || hi - lo <= 1e-15 * hi) return next;
            x = next;
        }
        return x;
    }

    /// <summary>
    /// Equal-tailed credible intervals of every topic share of a document: under q(θ) = Dir(γ), θ_k ~ Beta(γ_k, Σγ − γ_k), and
    /// the interval holding <paramref name="level"/> of its mass runs from the (1 − level)/2 to the (1 + level)/2 quantile.
    /// With K = 1 the share is 1 exactly.
    /// </summary>
    public static void ThetaIntervals(ReadOnlySpan<float> gamma, double level, Span<float> lower, Span<float> upper)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), "the credible level must lie strictly between 0 and 1.");
        double sum = 0;
        foreach (float g in gamma) sum += g;
        double low = (1 - level) / 2, high = (1 + level) / 2;
        // Most topics of a document sit at their prior (γ_k = α_k, the same value for a symmetric α) with its few topics
        // scattered between them, so equal γ_k give equal intervals: the two pairs of quantiles computed last are kept
        // and reused for an equal γ_k (the prior's pair survives each topic in between).
        float recentGamma = float.NaN, recentLower = 0, recentUpper = 0;
        float olderGamma = float.NaN, olderLower = 0, olderUpper = 0;
        for (int k = 0; k < gamma.Length; k++)
        {
            double a = gamma[k], b = sum - a;
            if (!(b > 0)) { lower[k] = upper[k] = 1; continue; }
            if (gamma[k] == recentGamma) { lower[k] = recentLower; upper[k] = recentUpper; continue; }
            if (gamma[k] == olderGamma)
            {
                (olderGamma, olderLower, olderUpper, recentGamma, recentLower, recentUpper) =
                    (recentGamma, recentLower, recentUpper, olderGamma, olderLower, olderUpper);
            }
            else
            {
                (olderGamma, olderLower, olderUpper) = (recentGamma, recentLower, recentUpper);
                recentGamma = gamma[k];
                double logBeta = LogBeta(a, b);
                recentLower = (float)Quantile(a, b, low, FloatTolerance, logBeta);
                recentUpper = (float)Quantile(a, b, high, FloatTolerance, logBeta);
            }
            lower[k] = recentLower;
            upper[k] = recentUpper;
        }
    }

    /// <summary>ln(1 + x), accurate for tiny x (Goldberg's trick: ln(u) · x / (u − 1) with u = 1 + x rounded).</summary>
    private static double Log1P(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>A starting point for <see cref="Quantile(double, double, double, double)"/> strictly inside (0, 1).</summary>
    private static double InitialGuess(double a, double b, double p)
    {
        double x;
        if (a >= 1 && b >= 1)
        {
            // A&S 26.5.22: the normal deviate y_p, then x = a / (a + b e^{2w})
            double pp = p < 0.5 ? p : 1 - p;
            double t = Math.Sqrt(-2 * Math.Log(pp));
            double y = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
            if (p < 0.5) y = -y;
            double lambda = (y * y - 3) / 6;
            double h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
            double w = y * Math.Sqrt(lambda + h) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5.0 / 6 - 2 / (3 * h));
            x = a / (a + b * Math.Exp(2 * w));
        }
        else
        {
            // tails: I_x ≈ x^a / (a B) near 0 and 1 − I_x ≈ (1−x)^b / (b B) near 1, split where they meet
            double lna = Math.Log(a / (a + b)), lnb = Math.Log(b / (a + b));
            double t = Math.Exp(a * lna) / a, u = Math.Exp(b * lnb) / b, w = t + u;
            x = p < t / w ? Math.Pow(a * w * p, 1 / a) : 1 - Math.Pow(b * w * (1 - p), 1 / b);
        }
        return double.IsFinite(x) && x > 0 && x < 1 ? x : 0.5;
    }

    /// <summary>The continued fraction of I_x(a, b) (A&amp;S 26.5.8) by the modified Lentz method.</summary>
    private static double ContinuedFraction(double a, double b, double x, double epsilon)
    {
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < Tiny) d = Tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));   // even step d_{2m}
            d = 1 + aa * d;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));   // odd step d_{2m+1}
            d = 1 + aa * d;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < epsilon) break;
        }
        return h;
    }
}
