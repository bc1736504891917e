using System.Runtime.Intrinsics.X86;
using TopicEngine.Backends;

namespace TopicEngine.Tests;

/// <summary>The local step's vector move of kept topics (<see cref="LaneCompress"/>) against the plain lane-by-lane move,
/// in place, for the widths the local step moves between and random sets of kept lanes.</summary>
public sealed class LaneCompressTests
{
    [Avx2Theory]
    [InlineData(16, 8)]
    [InlineData(104, 48)]
    [InlineData(104, 8)]
    [InlineData(56, 24)]
    [InlineData(1008, 504)]
    public void MovingKeptLanesInPlaceGivesThePlainMove(int width, int leftWidth)
    {
        var random = new Random(width * 31 + leftWidth);
        for (int round = 0; round < 50; round++)
        {
            int n = 1 + random.Next(40);
            int[] kept = Kept(random, width, leftWidth);
            var rows = RandomValues(random, n * width);
            var expected = PlainMove(rows, Enumerable.Range(0, n).Select(i => i * width).ToArray(), leftWidth, kept);

            LaneCompress.MoveRows(rows, Enumerable.Range(0, n).Select(i => i * width).ToArray(), rows, leftWidth, kept);

            Assert.Equal(expected, rows.AsSpan(0, n * leftWidth).ToArray());
        }
    }

    /// <summary>The first move of a document reads its rows where they lie in expElogβ: rows of K lanes (not whole
    /// vectors), in any order, the last one followed only by the array's vector of padding.</summary>
    [Avx2Theory]
    [InlineData(100, 48)]
    [InlineData(17, 8)]
    [InlineData(1000, 496)]
    public void MovingKeptLanesOutOfStridedRowsGivesThePlainMove(int topics, int leftWidth)
    {
        var random = new Random(topics * 7 + leftWidth);
        int vocabulary = 50;
        var matrix = RandomValues(random, vocabulary * topics + 8);
        for (int round = 0; round < 50; round++)
        {
            int n = 1 + random.Next(40);
            int[] rowAt = Enumerable.Range(0, n).Select(_ => random.Next(vocabulary) * topics).ToArray();
            rowAt[^1] = (vocabulary - 1) * topics;
            int[] kept = Kept(random, topics, leftWidth);
            var destination = new float[n * leftWidth + 8];
            destination.AsSpan().Fill(float.NaN);

            LaneCompress.MoveRows(matrix, rowAt, destination, leftWidth, kept);

            Assert.Equal(PlainMove(matrix, rowAt, leftWidth, kept), destination.AsSpan(0, n * leftWidth).ToArray());
        }
    }

    /// <summary>A kept set that needs this narrower width: more than leftWidth − 8 lanes, at most leftWidth, all below width.</summary>
    private static int[] Kept(Random random, int width, int leftWidth)
    {
        int left = Math.Min(width, Math.Max(1, leftWidth - 7 + random.Next(8)));
        return Enumerable.Range(0, width).OrderBy(_ => random.Next()).Take(left).Order().ToArray();
    }

    private static float[] RandomValues(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)random.NextDouble() + 1f;
        return values;
    }

    private static float[] PlainMove(float[] source, int[] rowAt, int leftWidth, int[] kept)
    {
        var moved = new float[rowAt.Length * leftWidth];
        for (int i = 0; i < rowAt.Length; i++)
            for (int j = 0; j < kept.Length; j++) moved[i * leftWidth + j] = source[rowAt[i] + kept[j]];
        return moved;
    }
}

/// <summary>A theory that needs AVX2 (the vector move's permutations); skipped, with the reason shown, on other CPUs,
/// where the local step uses the plain move.</summary>
public sealed class Avx2TheoryAttribute : TheoryAttribute
{
    public Avx2TheoryAttribute()
    {
        if (!Avx2.IsSupported) Skip = "skipped: this CPU has no AVX2, so the local step uses the plain move only";
    }
}
