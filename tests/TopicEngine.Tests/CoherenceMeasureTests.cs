using TopicEngine.Evaluation;

namespace TopicEngine.Tests;

/// <summary>Sliding windows counted as gensim counts them, and UMass, NPMI and C_V against their formulas.</summary>
public sealed class CoherenceMeasureTests
{
    [Fact]
    public void WindowsOfALongDocumentAreLMinusSPlusOneAndShortOrEmptyDocumentsCountOnce()
    {
        var counts = new CoOccurrenceCounts([[10, 11]]);
        var windows = new SlidingWindows(counts, 3);
        // relevant indexes: 10 → 0, 11 → 1; −1 is any other token
        windows.AddDocument([0, -1, -1, 1, -1]);   // windows [0 - -], [- - 1], [- 1 -]
        Assert.Equal(3, counts.Documents);
        Assert.Equal(1, counts.Count(0, 0));
        Assert.Equal(2, counts.Count(0, 1));
        Assert.Equal(0, counts.Joint(0, 0, 1));
        windows.AddDocument([1, 0]);                // shorter than the window: one window with both
        windows.AddDocument([]);                    // empty: one empty window, as gensim's iter_windows yields it
        Assert.Equal(5, counts.Documents);
        Assert.Equal(1, counts.Joint(0, 0, 1));
        Assert.Equal(3, counts.Count(0, 1));
    }

    /// <summary>gensim's WordOccurrenceAccumulator unmarks the token that leaves on the left edge even when another
    /// occurrence of it is still inside the window; the counts must follow it to agree with c_npmi and c_v.</summary>
    [Fact]
    public void AWordLeavingTheLeftEdgeIsUnmarkedWhileItsOtherOccurrenceStaysInTheWindowAsInGensim()
    {
        var counts = new CoOccurrenceCounts([[7, 8]]);
        var windows = new SlidingWindows(counts, 3);
        // a=0: windows [a - a] (a marked), [- a -] (a left the edge: unmarked, though still inside), [a - -] (unmarked)
        windows.AddDocument([0, -1, 0, -1, -1]);
        Assert.Equal(3, counts.Documents);
        Assert.Equal(1, counts.Count(0, 0));
    }

    [Fact]
    public void UMassNpmiAndCvFollowTheirDefinitions()
    {
        // four documents over terms 0, 1, 2: {0,1}, {0,1}, {0,2}, {}
        var counts = new CoOccurrenceCounts([[0, 1, 2]]);
        foreach (var doc in new[] { new[] { 0, 1 }, [0, 1], [0, 2], [] })
            counts.Add(doc.Select(t => counts.RelevantIndex[t]).ToArray());
        const double eps = TopicCoherence.DefaultEpsilon, n = 4;
        double[] count = [3, 2, 1];
        double[,] joint = { { 3, 2, 1 }, { 2, 2, 0 }, { 1, 0, 1 } };

        // UMass: pairs (w1, w0), (w2, w0), (w2, w1): ln((N(wi, wj)/N + ε) / (N(wj)/N))
        double umass = (Math.Log((2 / n + eps) / (3 / n)) + Math.Log((1 / n + eps) / (3 / n)) + Math.Log((0 / n + eps) / (2 / n))) / 3;
        Assert.Equal(umass, TopicCoherence.UMass(counts)[0], 12);

        double Npmi(int i, int j) => Math.Clamp(Math.Log((joint[i, j] / n + eps) / (count[i] / n * count[j] / n)) / -Math.Log(joint[i, j] / n + eps), -1, 1);
        Assert.Equal((Npmi(0, 1) + Npmi(0, 2) + Npmi(1, 2)) / 3, TopicCoherence.Npmi(counts)[0], 12);

        // C_V: cos(M[i], Σ_k M[k]) averaged over i, M[i][j] = NPMI(wi, wj)
        var set = new double[3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) set[j] += Npmi(i, j);
        double cv = 0;
        for (int i = 0; i < 3; i++)
        {
            double dot = 0, norm = 0;
            for (int j = 0; j < 3; j++) { dot += Npmi(i, j) * set[j]; norm += Npmi(i, j) * Npmi(i, j); }
            cv += dot / (Math.Sqrt(norm) * Math.Sqrt(set.Sum(x => x * x)));
        }
        Assert.Equal(cv / 3, TopicCoherence.Cv(counts)[0], 12);
    }

    [Fact]
    public void UMassScoresZeroForAPairWhoseEarlierWordNeverOccursAsGensimDoes()
    {
        var counts = new CoOccurrenceCounts([[5, 6]]);
        counts.Add([counts.RelevantIndex[6]]);
        Assert.Equal(0, TopicCoherence.UMass(counts)[0]);
        Assert.Equal(-1, TopicCoherence.Npmi(counts)[0]);
    }
}
