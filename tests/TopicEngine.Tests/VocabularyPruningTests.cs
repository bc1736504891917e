using TopicEngine.Text;

namespace TopicEngine.Tests;

public sealed class VocabularyPruningTests
{
    private static Vocabulary Build(params (string Term, long Df, long Cf)[] terms)
    {
        var v = new Vocabulary();
        foreach (var (term, df, cf) in terms) v.Add(term, df, cf);
        return v;
    }

    [Fact]
    public void MinDfDropsRareTermsAndKeepsOrder()
    {
        var v = Build(("a", 1, 1), ("b", 5, 9), ("c", 2, 2), ("d", 7, 7));
        var pruned = v.Prune(new PruningSettings { MinDf = 2, MaxDf = 1.0 }, 10, out var map);
        Assert.Equal(["b", "c", "d"], pruned.Terms);
        Assert.Equal([-1, 0, 1, 2], map);
        Assert.Equal(9, pruned.CollectionFrequency(0));
        Assert.Equal(7, pruned.DocumentFrequency(2));
    }

    [Fact]
    public void MaxDfDropsTermsInMoreThanTheFractionOfDocuments()
    {
        var v = Build(("common", 6, 60), ("half", 5, 5), ("rare", 1, 1));
        var pruned = v.Prune(new PruningSettings { MinDf = 1, MaxDf = 0.5 }, 10, out _);
        Assert.Equal(["half", "rare"], pruned.Terms);   // exactly half is kept
    }

    [Fact]
    public void KeepNKeepsTheMostFrequentAndBreaksTiesByCfThenFirstAppearance()
    {
        var v = Build(("t0", 3, 3), ("t1", 5, 5), ("t2", 3, 9), ("t3", 3, 3), ("t4", 4, 4));
        var pruned = v.Prune(new PruningSettings { MinDf = 1, MaxDf = 1.0, KeepN = 3 }, 10, out var map);
        // t1 (df 5), t4 (df 4), then the df-3 tie: t2 wins by cf; order stays by old id.
        Assert.Equal(["t1", "t2", "t4"], pruned.Terms);
        Assert.Equal([-1, 0, 1, -1, 2], map);

        var tie = Build(("x", 2, 2), ("y", 2, 2), ("z", 2, 2)).Prune(new PruningSettings { MinDf = 1, MaxDf = 1.0, KeepN = 2 }, 4, out _);
        Assert.Equal(["x", "y"], tie.Terms);
    }

    [Fact]
    public void PruningToNothingNamesTheFlagsToChange()
    {
        var v = Build(("a", 1, 1), ("b", 2, 2));
        var e = Assert.Throws<TopicEngineException>(() => v.Prune(new PruningSettings(), 3, out _));
        Assert.Contains("--min-df", e.Message);
        Assert.Contains("--max-df", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void MinDfZeroKeepsTermsThatNeverAppeared()
    {
        var v = Build(("declared", 0, 0), ("used", 1, 1));
        Assert.Equal(["declared", "used"], v.Prune(new PruningSettings { MinDf = 0, MaxDf = 1.0 }, 1, out _).Terms);
        Assert.Equal(["used"], v.Prune(new PruningSettings { MinDf = 1, MaxDf = 1.0 }, 1, out _).Terms);
    }

    [Fact]
    public void AnEmptyVocabularyIsAUserError()
    {
        Assert.Throws<TopicEngineException>(() => new Vocabulary().Prune(PruningSettings.None, 3, out _));
    }

    [Theory]
    [InlineData(-1, 0.5, 10)]
    [InlineData(1, 0.0, 10)]
    [InlineData(1, 1.5, 10)]
    [InlineData(1, 0.5, 0)]
    public void InvalidSettingsAreRejected(int minDf, double maxDf, int keepN)
    {
        var v = Build(("a", 1, 1));
        Assert.Throws<TopicEngineException>(() => v.Prune(new PruningSettings { MinDf = minDf, MaxDf = maxDf, KeepN = keepN }, 1, out _));
    }

    [Fact]
    public void SpanLookupFindsTermsWithoutAString()
    {
        var v = Build(("graphics", 1, 1), ("card", 1, 1));
        Assert.True(v.TryGetId("xx card xx".AsSpan(3, 4), out int id));
        Assert.Equal(1, id);
        Assert.False(v.TryGetId("cart".AsSpan(), out _));
    }

    [Fact]
    public void FingerprintDependsOnTermsAndOrder()
    {
        Assert.Equal(Build(("a", 1, 1), ("b", 1, 1)).Fingerprint(), Build(("a", 5, 5), ("b", 1, 9)).Fingerprint());
        Assert.NotEqual(Build(("a", 1, 1), ("b", 1, 1)).Fingerprint(), Build(("b", 1, 1), ("a", 1, 1)).Fingerprint());
    }

    [Fact]
    public void TermCounterCountsKnownTermsSortedAndCollectsUnknownOnes()
    {
        var v = Build(("gpu", 0, 0), ("card", 0, 0));
        var counter = new TermCounter(v, collectUnknown: true);
        foreach (var t in new[] { "card", "gpu", "card", "new", "new", "other" }) counter.Add(t.AsSpan());
        Assert.Equal(6, counter.Tokens);
        Assert.Equal(3, counter.UnknownTokens);
        var ids = new int[counter.DistinctKnown];
        var counts = new int[counter.DistinctKnown];
        counter.CopyKnown(ids, counts);
        Assert.Equal([0, 1], ids);
        Assert.Equal([1, 2], counts);
        Assert.Equal(2, counter.Unknown["new"]);
        counter.Clear();
        Assert.Equal(0, counter.DistinctKnown);
        Assert.Empty(counter.Unknown);
    }
}
