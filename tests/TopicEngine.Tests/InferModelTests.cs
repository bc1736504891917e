using TopicEngine.Text;
using TopicEngine.Backends;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Storage;
using TopicEngine.Model;

namespace TopicEngine.Tests;

/// <summary>One small model fitted once (CPU, 2 threads) for the tests of <see cref="TopicModel"/>.</summary>
public sealed class FittedTextModel : IDisposable
{
    private readonly TempDirectory _dir = new();

    public FittedTextModel()
    {
        Texts = TopicTextCorpus.Write(_dir, "in");
        var trainer = new TopicTrainer(new TopicTrainerOptions
        {
            Training = new TrainingOptions { Topics = 3, Passes = 4, BatchSize = 16, Seed = 3, Threads = 2, HoldoutFraction = 0.1 },
            Pruning = new PruningSettings { MinDf = 2, MaxDf = 0.95 },
            Device = "cpu",
        });
        Model = trainer.FitFilesAsync([_dir.File("in")], ModelDirectory).GetAwaiter().GetResult();
    }

    public Dictionary<string, string> Texts { get; }
    public string InputFolder => _dir.File("in");
    public string ModelDirectory => _dir.File("model");
    public TopicModel Model { get; }

    public void Dispose()
    {
        Model.Dispose();
        _dir.Dispose();
    }
}

public sealed class InferModelTests(FittedTextModel fitted) : IClassFixture<FittedTextModel>
{
    private TopicModel Model => fitted.Model;

    [Fact]
    public async Task InferOfATrainingDocumentGivesTheThetaOfDocTopics()
    {
        int rows = 0;
        await foreach (var row in DocTopicsFile.ReadAsync(CurrentVersion.File(fitted.ModelDirectory, DocTopicsWriter.FileName), Model.TopicCount))
        {
            var mixture = Model.Infer(fitted.Texts[row.DocKey]);
            for (int k = 0; k < Model.TopicCount; k++) Assert.Equal(row.Theta[k], mixture.Theta[k], 1e-5f);
            Assert.Equal(row.TopicId, mixture.DominantTopic);
            Assert.Equal(row.TokenCount, mixture.TokenCount);
            Assert.Equal(row.Entropy, mixture.Entropy, 1e-5);
            rows++;
        }
        Assert.Equal(fitted.Texts.Count, rows);
    }

    [Fact]
    public void ParallelCallersGetTheSequentialResultsBitForBit()
    {
        var texts = Enumerable.Range(0, 300).Select(d => TopicTextCorpus.Text(d, words: 5 + d % 60)).ToArray();
        var sequential = texts.Select(Model.Infer).ToArray();
        var parallel = new TopicMixture[texts.Length * 4];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i => parallel[i] = Model.Infer(texts[i % texts.Length]));
        for (int i = 0; i < parallel.Length; i++)
        {
            var expected = sequential[i % texts.Length];
            Assert.Equal(expected.Gamma.ToArray(), parallel[i].Gamma.ToArray());
            Assert.Equal(expected.Theta.ToArray(), parallel[i].Theta.ToArray());
            Assert.Equal(expected.TokenCount, parallel[i].TokenCount);
        }
        var batched = Model.Infer(texts);
        for (int i = 0; i < texts.Length; i++) Assert.Equal(sequential[i].Gamma.ToArray(), batched[i].Gamma.ToArray());
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("   ... !!", 0)]
    [InlineData("zebra quokka wombat", 3)]
    [InlineData("the of and 42 2024", 0)]
    public void TextWithoutKnownWordsGetsTheNormalisedPrior(string text, long unknown)
    {
        var mixture = Model.Infer(text);
        double alphaSum = Model.Alpha.Sum(a => (double)a);
        Assert.Equal(0, mixture.TokenCount);
        Assert.Equal(unknown, mixture.UnknownTokens);
        for (int k = 0; k < Model.TopicCount; k++)
        {
            Assert.True(float.IsFinite(mixture.Theta[k]));
            Assert.Equal(Model.Alpha[k] / alphaSum, mixture.Theta[k], 1e-6);
            Assert.Equal(Model.Alpha[k], mixture.Gamma[k]);
        }
        Assert.True(double.IsFinite(mixture.Entropy));
    }

    [Fact]
    public void UnknownWordsAreDroppedAndCounted()
    {
        string known = TopicTextCorpus.Text(4);
        var plain = Model.Infer(known);
        var mixed = Model.Infer(known + " zebra quokka zebra");
        Assert.Equal(3, mixed.UnknownTokens);
        Assert.Equal(plain.TokenCount, mixed.TokenCount);
        Assert.Equal(plain.Theta.ToArray(), mixed.Theta.ToArray());
    }

    [Fact]
    public async Task TopicsMatchTopicsParquet()
    {
        var topics = Model.Topics(top: 5);
        var rows = await TopicsFile.ReadAsync(CurrentVersion.File(fitted.ModelDirectory, TopicsFile.FileName));
        Assert.Equal(Model.TopicCount, topics.Count);
        foreach (var topic in topics)
        {
            var expected = rows.Where(r => r.Term.Topic == topic.Id && r.Term.Rank <= 5).OrderBy(r => r.Term.Rank).ToList();
            Assert.Equal(expected.Select(r => r.Text), topic.Words.Select(w => w.Term));
            Assert.Equal(expected.Select(r => r.Term.TermId), topic.Words.Select(w => w.TermId));
            Assert.Equal(expected.Select(r => r.Term.Probability), topic.Words.Select(w => w.Probability));
        }
    }

    [Fact]
    public void EachThemeIsTheDominantTopicOfItsOwnWords()
    {
        var dominant = TopicTextCorpus.Themes.Select(theme => Model.Infer(string.Join(' ', theme)).DominantTopic).ToArray();
        Assert.Equal(3, dominant.Distinct().Count());
    }

    [Fact]
    public void ADisposedModelRefusesInference()
    {
        using var model = TopicModel.Load(fitted.ModelDirectory);
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Infer("orbit"));
    }

    [Fact]
    public void ADamagedModelFailsToLoadNamingTheFile()
    {
        using var dir = new TempDirectory();
        // the current version's files, copied flat: the layout of models written before versions existed, which still loads
        foreach (var file in Directory.GetFiles(CurrentVersion.Folder(fitted.ModelDirectory))) File.Copy(file, dir.File(Path.GetFileName(file)));
        using (var flat = TopicModel.Load(dir.Path)) Assert.Equal(Model.TopicCount, flat.TopicCount);
        File.AppendAllText(dir.File("lambda.parquet"), "x");
        var error = Assert.Throws<TopicEngineException>(() => TopicModel.Load(dir.Path));
        Assert.Contains("lambda.parquet", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(17)]
    [InlineData(33)]
    public void OneDocumentInferenceEqualsTheBatchLocalStep(int topics)
    {
        var random = new Random(topics);
        const int v = 50;
        var lambda = Enumerable.Range(0, v * topics).Select(_ => 0.05f + (float)random.NextDouble() * 3).ToArray();
        var alpha = Enumerable.Range(0, topics).Select(k => 0.1f + 0.01f * k).ToArray();
        using var backend = new CpuBackend(topics, threads: 2);
        backend.SetLambda(lambda, v);
        var batch = new InMemoryCorpus(v);
        for (int d = 0; d < 9; d++)
        {
            var ids = Enumerable.Range(0, v).Where(_ => random.NextDouble() < d / 10.0).ToArray();
            batch.Add($"{d}", ids, ids.Select(_ => (float)random.Next(1, 5)).ToArray());
        }
        var sparse = batch.ReadBatches(100).Single();
        var gamma = new float[sparse.DocumentCount * topics];
        backend.LocalStep(sparse, alpha, LocalStepOptions.Default, gamma, accumulateStatistics: false, computeBound: false);
        for (int d = 0; d < sparse.DocumentCount; d++)
        {
            var one = new float[topics];
            backend.LocalStepDocument(sparse.DocumentTerms(d), sparse.DocumentCounts(d), alpha, LocalStepOptions.Default, one);
            Assert.Equal(gamma.AsSpan(d * topics, topics).ToArray(), one);
        }
    }
}
