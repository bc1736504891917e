using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Tests;

public sealed class ReferenceBackendTests
{
    [Fact]
    public void EmptyDocumentGetsGammaEqualToAlpha()
    {
        var corpus = new InMemoryCorpus(4);
        corpus.Add("empty", [], []);
        using var backend = new ReferenceBackend(3);
        backend.SetLambda(Enumerable.Repeat(1f, 12).ToArray(), 4);
        var gamma = new float[3];
        backend.LocalStep(corpus.Slice(0, 1), [0.1f, 0.2f, 0.3f], LocalStepOptions.Default, gamma, true, true);
        Assert.Equal([0.1f, 0.2f, 0.3f], gamma);
    }
}
