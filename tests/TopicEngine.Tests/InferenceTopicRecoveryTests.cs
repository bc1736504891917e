using TopicEngine.Backends;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Synthetic;

namespace TopicEngine.Tests;

public sealed class InferenceTopicRecoveryTests
{
    /// <summary>
    /// Topics drawn from a symmetric Dirichlet(η) (the generator's <c>--zipf 0</c>). Variational LDA finds a local
    /// optimum that depends on λ's random start and the document order: with these settings, of seeds 1–12, 2 recover
    /// all ten topics in the default shuffled order and 4–5 in corpus order, with the plain or the over-relaxed local
    /// step alike (the others merge two topics and split one, with a visibly worse held-out perplexity). Seed 7 recovers
    /// them in both orders and with both local steps; the start is fixed by the seed, so this test is deterministic and
    /// fails when the engine's arithmetic or updates go wrong.
    /// </summary>
    [Fact]
    public void EveryTrueTopicIsMatchedOneToOneByALearnedTopicWithCosineAtLeast09()
    {
        var truth = SyntheticLda.Generate(new SyntheticLdaOptions
        {
            Topics = 10, VocabularySize = 1000, Documents = 3000, DocumentLength = 150, Seed = 11, ZipfExponent = 0,
        });
        var options = new TrainingOptions { Topics = 10, Passes = 10, BatchSize = 128, Kappa = 0.7, Tau0 = 1, Seed = 7, HoldoutFraction = 0.05, EvalEvery = 0 };
        var result = new TestTrainer(options, k => new CpuBackend(k, threads: 2)).Fit(truth.Corpus);
        var learned = LdaMath.ExpectedTopicWord(result.Lambda, 1000, 10);
        var matches = HungarianAssignment.MatchByCosine(truth.TopicWord, learned, 10, 1000);
        Assert.Equal(Enumerable.Range(0, 10), matches.Select(m => m.Learned).Order());
        Assert.All(matches, m => Assert.True(m.Cosine >= 0.9, $"cosines: {string.Join(", ", matches.Select(x => x.Cosine.ToString("F3")))}"));
    }
}
