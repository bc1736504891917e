using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TopicEngine.Backends;

/// <summary>
/// Moves the kept lanes of every row of a matrix into rows of a narrower width, eight lanes at a time (AVX2): the
/// same lanes are kept in every row, so each source vector's kept lanes are packed to its front by one permutation
/// (looked up by the vector's 8-bit mask) and stored at the row's running output position. Each value is copied, not
/// computed: the result is the scalar move's bit for bit.
/// </summary>
internal static class LaneCompress
{
    /// <summary>For each 8-bit mask, the permutation that packs the set lanes to the front (in order).</summary>
    private static readonly int[] Permutations = BuildPermutations();

    /// <summary>
    /// Row i of <paramref name="source"/> (starting at <paramref name="rowAt"/>[i]) becomes row i of
    /// <paramref name="destination"/> (at i·<paramref name="leftWidth"/>, a whole number of vectors): the lanes
    /// <paramref name="kept"/> (ascending, at least one, all below the source rows' width), then zeros up to leftWidth.
    /// A source row is read in whole vectors up to the one holding its last kept lane, and a destination row's last store
    /// may reach up to 7 lanes past its kept lanes (into the next row, which is written after it, or past the last row:
    /// <paramref name="destination"/> holds n·leftWidth + 8 floats). The two may be the same array when
    /// rowAt[i] = i·width with width ≥ 2·leftWidth (the local step's halving move): every store then ends at or before
    /// the end of the source vector it came from, so no lane is overwritten before it is read.
    /// </summary>
    public static void MoveRows(float[] source, ReadOnlySpan<int> rowAt, float[] destination, int leftWidth, ReadOnlySpan<int> kept)
    {
        int n = rowAt.Length, left = kept.Length;
        if (!Avx2.IsSupported)
        {
            for (int i = 0; i < n; i++)
            {
                int from = rowAt[i], to = i * leftWidth;
                for (int j = 0; j < left; j++) destination[to + j] = source[from + kept[j]];
                destination.AsSpan(to + left, leftWidth - left).Clear();
            }
            return;
        }
        // the last source vector that holds a kept lane: later ones are not read
        int last = kept[^1] >> 3;
        Span<byte> masks = stackalloc byte[last + 1];
        masks.Clear();
        foreach (int lane in kept) masks[lane >> 3] |= (byte)(1 << (lane & 7));
        ref float e = ref MemoryMarshal.GetArrayDataReference(source);
        ref float d = ref MemoryMarshal.GetArrayDataReference(destination);
        ref int permutations = ref MemoryMarshal.GetArrayDataReference(Permutations);
        for (int i = 0; i < n; i++)
        {
            nuint from = (nuint)rowAt[i], to = (nuint)(i * leftWidth), at = to;
            for (int v = 0; v <= last; v++)
            {
                int mask = masks[v];
                if (mask == 0) continue;
                var packed = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref e, from + (nuint)(v * 8)),
                    Vector256.LoadUnsafe(ref permutations, (nuint)(mask * 8)));
                packed.StoreUnsafe(ref d, at);
                at += (nuint)BitOperations.PopCount((uint)mask);
            }
            // the lanes after the kept ones: zeros (the last store may have left lanes of its vector there)
            for (int j = left; j < leftWidth; j++) Unsafe.Add(ref d, to + (nuint)j) = 0f;
        }
    }

    private static int[] BuildPermutations()
    {
        var table = new int[256 * 8];
        for (int mask = 0; mask < 256; mask++)
        {
            int at = 0;
            for (int lane = 0; lane < 8; lane++)
                if ((mask & (1 << lane)) != 0) table[mask * 8 + at++] = lane;
            for (; at < 8; at++) table[mask * 8 + at] = 0;
        }
        return table;
    }
}
