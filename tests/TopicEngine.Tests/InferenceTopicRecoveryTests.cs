using TopicEngine.Backends;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Synthetic;

namespace TopicEngine.Tests;

public sealed class InferenceTopicRecoveryTests
{
    /// <summary>
    /// Topics drawn from a symmetric Dirichlet(η) (the generator's <c>--zipf 0</c>). Variational LDA finds a local
    /// optimum that depends on λ's random start; on this corpus about two starts in three recover all ten topics and
    /// the others merge two topics and split one (with a visibly worse held-out perplexity). The start is fixed by
    /// the seed, so this test is deterministic; it fails when the engine's arithmetic or updates go wrong.
    /// </summary>
    [Fact]
    public void EveryTrueTopicIsMatchedOneToOneByALearnedTopicWithCosineAtLeast09()
    {
        var truth = SyntheticLda.Generate(new SyntheticLdaOptions
        {
            Topics = 10, VocabularySize = 1000, Documents = 3000, DocumentLength = 150, Seed = 11, ZipfExponent = 0,
        });
        // Corpus order, as when the test was written: shuffled (the default since issue 14) this seed's fit ends in a local
        // optimum with two true topics merged (cosines 0.002 and 0.742 for them, 1.000 for the other eight); see RESULTS.md §13c.
        var options = new TrainingOptions { Topics = 10, Passes = 10, BatchSize = 128, Kappa = 0.7, Tau0 = 1, Seed = 5, HoldoutFraction = 0.05, EvalEvery = 0, Order = DocumentOrder.Corpus };
        var result = new TestTrainer(options, k => new CpuBackend(k, threads: 2)).Fit(truth.Corpus);
        var learned = LdaMath.ExpectedTopicWord(result.Lambda, 1000, 10);
        var matches = HungarianAssignment.MatchByCosine(truth.TopicWord, learned, 10, 1000);
        Assert.Equal(Enumerable.Range(0, 10), matches.Select(m => m.Learned).Order());
        Assert.All(matches, m => Assert.True(m.Cosine >= 0.9, $"cosines: {string.Join(", ", matches.Select(x => x.Cosine.ToString("F3")))}"));
    }
}
