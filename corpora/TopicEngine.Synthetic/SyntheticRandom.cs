namespace TopicEngine.Synthetic;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna 2018) seeded through SplitMix64, plus the draws the LDA
/// generative process needs: uniform, standard normal, Gamma (Marsaglia &amp; Tsang 2000, in log
/// space for shapes below 1) and Poisson (Knuth below 10, PTRS of Hörmann 1993 above).
/// A value type: each document or topic gets its own stream from <see cref="For"/>, so draws do
/// not depend on thread scheduling.
/// </summary>
internal struct SyntheticRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose stream is fixed by (seed, stream, index): e.g. (seed, 1, topic) or (seed, 2, document).</summary>
    public static SyntheticRandom For(long seed, ulong stream, long index)
    {
        ulong x = (ulong)seed ^ (stream * 0xD1B54A32D192ED03UL) ^ ((ulong)index * 0x9E3779B97F4A7C15UL);
        var r = new SyntheticRandom
        {
            _s0 = SplitMix(ref x),
            _s1 = SplitMix(ref x),
            _s2 = SplitMix(ref x),
            _s3 = SplitMix(ref x),
        };
        if ((r._s0 | r._s1 | r._s2 | r._s3) == 0) r._s0 = 1;
        return r;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1]: safe to take the logarithm of.</summary>
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (Lemire's multiply-shift; the bias is below 2^-32 for n &lt; 2^32).</summary>
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)(uint)n) >> 32);

    /// <summary>Standard normal (Box–Muller, one value per call).</summary>
    public double NextNormal()
    {
        double u1 = NextDoubleNonZero();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>log of a Gamma(shape, 1) draw. Marsaglia–Tsang for shape ≥ 1; for shape &lt; 1 the
    /// boost Gamma(a) = Gamma(a+1)·U^(1/a), kept in log space because U^(1/a) underflows for tiny a.</summary>
    public double NextLogGamma(double shape)
    {
        if (!(shape > 0)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "Gamma shape must be positive.");
        if (shape < 1)
            return NextLogGamma(shape + 1) + Math.Log(NextDoubleNonZero()) / shape;
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x = NextNormal();
            double v = 1.0 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = NextDoubleNonZero();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
                return Math.Log(d * v);
        }
    }

    /// <summary>A Dirichlet(concentration) draw written into <paramref name="result"/>: normalised
    /// Gamma draws, combined in log space (log-sum-exp) so tiny concentrations stay exact.</summary>
    public void NextDirichlet(ReadOnlySpan<double> concentration, Span<float> result, Span<double> scratch)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < concentration.Length; i++)
        {
            scratch[i] = NextLogGamma(concentration[i]);
            if (scratch[i] > max) max = scratch[i];
        }
        double sum = 0;
        for (int i = 0; i < concentration.Length; i++)
        {
            scratch[i] = Math.Exp(scratch[i] - max);
            sum += scratch[i];
        }
        for (int i = 0; i < concentration.Length; i++)
            result[i] = (float)(scratch[i] / sum);
    }

    /// <summary>Poisson(mean): Knuth's product method below 10, otherwise PTRS (Hörmann 1993,
    /// "The transformed rejection method for generating Poisson random variables").</summary>
    public int NextPoisson(double mean)
    {
        if (mean <= 0) return 0;
        if (mean < 10)
        {
            double limit = Math.Exp(-mean), p = 1;
            int k = -1;
            do { k++; p *= NextDouble(); } while (p > limit);
            return k;
        }
        double slam = Math.Sqrt(mean), logMean = Math.Log(mean);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = NextDouble() - 0.5;
            double v = NextDoubleNonZero();
            double us = 0.5 - Math.Abs(u);
            long k = (long)Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr) return (int)k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + Math.Log(invAlpha) - Math.Log(a / (us * us) + b)
                <= -mean + k * logMean - TopicEngine.Inference.SpecialFunctions.LogGamma(k + 1.0))
                return (int)k;
        }
    }
}
