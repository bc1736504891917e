using System.Collections.Concurrent;
using TopicEngine.Corpus;
using TopicEngine.Synthetic;

namespace TopicEngine.Tests;

/// <summary>
/// Many threads call <see cref="TopicModel.Infer(string)"/> while <c>update</c> replaces the model directory several times
/// (issue 15): no call fails, a model loaded before the updates keeps answering from its own version, and every
/// <see cref="TopicModel.Load"/> meanwhile returns one complete version (one θ and one step count per version).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class InferDuringUpdateTests
{
    private const int Vocabulary = 200;
    private const int Updates = 4;
    private const int Readers = 6;

    [Fact]
    public async Task ManyThreadsInferWhileUpdateReplacesTheModelAndNoVersionsMix()
    {
        using var dir = new TempDirectory();
        var terms = Enumerable.Range(0, Vocabulary).Select(w => SyntheticCorpusWriter.TermName(w, Vocabulary)).ToArray();
        var corpus = SyntheticLda.Generate(new SyntheticLdaOptions { Topics = 4, VocabularySize = Vocabulary, Documents = 500, DocumentLength = 50, Seed = 11 }).Corpus;
        string first = UciTestFiles.Write(dir.File("first"), "first", corpus, 0, 300, terms);
        string second = UciTestFiles.Write(dir.File("second"), "second", corpus, 300, 200, terms);
        string model = dir.File("model");
        var trainer = new TopicTrainer(new TopicTrainerOptions { Training = new Inference.TrainingOptions { Topics = 4, Threads = 1, Passes = 1 }, Device = "cpu" });
        await trainer.FitCorpusAsync(CorpusInput.FromPaths([first], CorpusFormat.Uci), model);

        string text = string.Join(' ', Enumerable.Range(0, 40).Select(w => terms[w * 5 % Vocabulary]));
        using var original = TopicModel.Load(model);
        var originalTheta = original.Infer(text).Theta.ToArray();
        var thetaByVersion = new ConcurrentDictionary<DateTimeOffset, float[]>();
        var stepsByVersion = new ConcurrentDictionary<DateTimeOffset, long>();
        thetaByVersion[original.Updated] = originalTheta;
        stepsByVersion[original.Updated] = original.Steps;
        var failures = new ConcurrentQueue<string>();
        long inferences = 0, loads = 0;
        using var stop = new CancellationTokenSource();

        void Read()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var theta = original.Infer(text).Theta.ToArray();
                    if (!theta.SequenceEqual(originalTheta)) failures.Enqueue("the model loaded before the updates changed its answer");
                    using var loaded = TopicModel.Load(model);
                    Interlocked.Increment(ref loads);
                    for (int i = 0; i < 3; i++)
                    {
                        var current = loaded.Infer(text).Theta.ToArray();
                        Interlocked.Increment(ref inferences);
                        if (!current.All(float.IsFinite)) failures.Enqueue($"version {loaded.Updated:O}: non-finite θ");
                        if (!thetaByVersion.GetOrAdd(loaded.Updated, current).SequenceEqual(current)) failures.Enqueue($"version {loaded.Updated:O} gave two different θ");
                    }
                    if (stepsByVersion.GetOrAdd(loaded.Updated, loaded.Steps) != loaded.Steps) failures.Enqueue($"version {loaded.Updated:O} has two step counts");
                }
                catch (Exception e) { failures.Enqueue(e.ToString()); }
            }
        }

        var readers = Enumerable.Range(0, Readers).Select(_ => Task.Factory.StartNew(Read, TaskCreationOptions.LongRunning)).ToArray();
        long lastSteps = original.Steps;
        for (int u = 0; u < Updates; u++)
        {
            var report = await trainer.UpdateAsync(model, CorpusInput.FromPaths([second], CorpusFormat.Uci));
            Assert.True(report.Steps > lastSteps);
            lastSteps = report.Steps;
        }
        await Task.Delay(200);
        stop.Cancel();
        await Task.WhenAll(readers);

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
        using var final = TopicModel.Load(model);
        Assert.Equal(lastSteps, final.Steps);
        Assert.True(loads >= Readers, $"only {loads} loads ran");
        Assert.True(thetaByVersion.Count >= 2, $"the readers saw {thetaByVersion.Count} version(s)");
        Assert.True(inferences > 0);
        Assert.Equal(originalTheta, original.Infer(text).Theta.ToArray());
    }
}
