using TopicEngine.Backends;
using TopicEngine.Evaluation;
using TopicEngine.Inference;
using TopicEngine.Synthetic;

namespace TopicEngine.Tests;

public sealed class InferenceTopicRecoveryTests
{
    [Fact]
    public void EveryTrueTopicIsMatchedOneToOneByALearnedTopicWithCosineAtLeast09()
    {
        var truth = SyntheticLda.Generate(new SyntheticLdaOptions
        {
            Topics = 10, VocabularySize = 1000, Documents = 3000, DocumentLength = 150, Seed = 11,
        });
        var options = new TrainingOptions { Topics = 10, Passes = 10, BatchSize = 256, Seed = 5, HoldoutFraction = 0.05, EvalEvery = 0 };
        var result = new SviTrainer(options, k => new CpuBackend(k, threads: 2)).Fit(truth.Corpus);
        var learned = LdaMath.ExpectedTopicWord(result.Lambda, 1000, 10);
        var matches = HungarianAssignment.MatchByCosine(truth.TopicWord, learned, 10, 1000);
        Assert.Equal(Enumerable.Range(0, 10), matches.Select(m => m.Learned).Order());
        Assert.All(matches, m => Assert.True(m.Cosine >= 0.9, $"cosines: {string.Join(", ", matches.Select(x => x.Cosine.ToString("F3")))}"));
    }
}
