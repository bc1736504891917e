namespace TopicEngine.Inference;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014): a Weyl sequence with increment <see cref="Increment"/> put through a 64-bit
/// finaliser. The engine's seeds of chunks, passes and streams, and <see cref="GammaDraws"/>' uniforms: the same in
/// every process (unlike <see cref="HashCode"/>).
/// </summary>
internal static class SplitMix64
{
    /// <summary>The Weyl sequence's increment, 2⁶⁴ / φ.</summary>
    public const ulong Increment = 0x9E3779B97F4A7C15UL;

    /// <summary>The finaliser: every bit of <paramref name="z"/> affects every bit of the result.</summary>
    public static ulong Finalise(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
