using TopicEngine.Inference;
using TopicEngine.Text;

namespace TopicEngine.PublicApi.Tests;

/// <summary><see cref="TopicEvaluator"/> from outside the library, as <c>topic-engine evaluate</c> calls it.</summary>
public sealed class TopicEvaluatorTests : ThemedCorpusTest
{
    private static readonly PruningSettings Pruning = new() { MinDf = 2, MaxDf = 0.9 };

    /// <summary>Fits K = 3 on the text files of <paramref name="train"/> and returns the model directory.</summary>
    private async Task<string> FitAsync(string train)
    {
        string directory = Path.Combine(Root, "model");
        var trainer = new TopicTrainer(new TopicTrainerOptions
        {
            Training = new TrainingOptions { Topics = 3, Passes = 5, BatchSize = 10, Seed = 2, Threads = 2, HoldoutFraction = 0 },
            Pruning = Pruning,
            Device = "cpu",
        });
        using var model = await trainer.FitFilesAsync([train], directory);
        return directory;
    }

    [Fact]
    public async Task RawHeldOutTextIsCountedAgainstTheModelsVocabularyAndScored()
    {
        string model = await FitAsync(TextFolder("train", Documents(60)));
        string heldOut = TextFolder("held-out", Documents(12, seed: 7).Select(t => t + " unseenword"));
        var options = new EvaluationOptions { ModelDirectory = model, HeldOut = CorpusInput.FromPaths([heldOut]), Threads = 2 };

        var raw = await TopicEvaluator.EvaluateAsync(options);

        Assert.Equal((3, 18, 12), (raw.Topics, raw.VocabularySize, raw.HeldOutDocuments));
        Assert.Equal(12 * 10, raw.HeldOutTokens);   // 20 known tokens a document, every other one scored; "unseenword" dropped
        Assert.Equal(Math.Exp(-raw.LogLikelihoodPerWord), raw.Perplexity, 1e-9);
        Assert.InRange(raw.Perplexity, 1, 18);       // better than a uniform guess over the vocabulary
        Assert.Equal(3, raw.NpmiPerTopic.Count);
        Assert.Equal(raw.NpmiPerTopic.Average(), raw.Npmi, 1e-12);
        Assert.InRange(raw.Npmi, -1, 1);
        Assert.Equal((10, TopicEvaluator.DiversityTop), (raw.NpmiTop, raw.DiversityTop));
        Assert.InRange(raw.Diversity, 0.1, 1);
    }

    [Fact]
    public async Task APreparedFolderWithTheModelsVocabularyScoresAsItsRawTextAndAnotherVocabularyIsRefused()
    {
        string train = TextFolder("train", Documents(60));
        string model = await FitAsync(train);
        string prepared = Path.Combine(Root, "prepared");
        await TopicCorpus.PrepareAsync(CorpusInput.FromPaths([train]), prepared, new CorpusOptions { Pruning = Pruning });
        var options = new EvaluationOptions { ModelDirectory = model, Threads = 2, Top = 4 };

        var raw = await TopicEvaluator.EvaluateAsync(options with { HeldOut = CorpusInput.FromPaths([train]) });
        var counted = await TopicEvaluator.EvaluateAsync(options with { HeldOut = CorpusInput.FromPrepared(prepared) });

        Assert.Equal(raw with { NpmiPerTopic = [], TopicScores = [], Notes = [] }, counted with { NpmiPerTopic = [], TopicScores = [], Notes = [] });
        Assert.Equal(raw.NpmiPerTopic, counted.NpmiPerTopic);
        Assert.Equal(raw.TopicScores.Select(s => (s.TopicId, string.Join(' ', s.TopTerms), s.UMass, s.Npmi, s.Cv)),
            counted.TopicScores.Select(s => (s.TopicId, string.Join(' ', s.TopTerms), s.UMass, s.Npmi, s.Cv)));
        Assert.Equal(60, counted.HeldOutDocuments);

        string other = Path.Combine(Root, "other");
        await TopicCorpus.PrepareAsync(CorpusInput.FromPaths([train]), other, new CorpusOptions { Pruning = Pruning with { KeepN = 5 } });
        var error = await Assert.ThrowsAsync<TopicEngineException>(() => TopicEvaluator.EvaluateAsync(options with { HeldOut = CorpusInput.FromPrepared(other) }));
        Assert.Equal($"{other}: its vocabulary differs from the model's; count the held-out documents with --input instead", error.Message);
        // a coherence reference may have another vocabulary: top words are matched by name; a prepared folder is a bag of words
        var otherReference = await TopicEvaluator.EvaluateAsync(options with
        {
            HeldOut = CorpusInput.FromPrepared(prepared),
            ReferenceDirectory = other,
        });
        Assert.Equal(CoherenceReference.Given, otherReference.ReferenceSource);
        Assert.False(otherReference.SlidingWindows);
        Assert.Contains(other, otherReference.Reference);
        Assert.Contains("document co-occurrence", otherReference.Reference);
    }

    [Fact]
    public async Task EvaluatorRefusesIncompleteOptionsWithTheFlagToGive()
    {
        var noTopics = await Assert.ThrowsAsync<TopicEngineException>(() => TopicEvaluator.EvaluateAsync(new EvaluationOptions
        {
            HeldOut = CorpusInput.FromPrepared(Root),
        }));
        Assert.Equal("give exactly one of --model or --topic-word", noTopics.Message);
        var noVocabulary = await Assert.ThrowsAsync<TopicEngineException>(() => TopicEvaluator.EvaluateAsync(new EvaluationOptions
        {
            TopicWordFile = Path.Combine(Root, "topics.npy"),
            HeldOut = CorpusInput.FromPrepared(Root),
        }));
        Assert.Contains("--vocabulary-from", noVocabulary.Message);
        new EvaluationOptions { ModelDirectory = Root }.Validate();   // held-out documents are optional (no perplexity then)
        var defaultCorpus = Assert.Throws<TopicEngineException>(() => new EvaluationOptions { ModelDirectory = Root, HeldOut = CorpusInput.EmbeddedDefault }.Validate());
        Assert.Contains("--input", defaultCorpus.Message);
        var badTop = Assert.Throws<TopicEngineException>(() => new EvaluationOptions { ModelDirectory = Root, HeldOut = CorpusInput.FromPrepared(Root), Top = 0 }.Validate());
        Assert.Contains("--top", badTop.Message);
    }
}
