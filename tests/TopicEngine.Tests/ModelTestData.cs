using System.Text.Json.Nodes;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Text;

namespace TopicEngine.Tests;

/// <summary>Small model snapshots with distinct, checkable values.</summary>
internal static class ModelTestData
{
    public static ModelSnapshot Snapshot(int topics = 3, int terms = 7, int seed = 1)
    {
        var random = new Random(seed);
        var vocabulary = new Vocabulary();
        for (int w = 0; w < terms; w++) vocabulary.Add($"term{w}", df: w + 1, cf: 10 * (w + 1));
        var lambda = new float[terms * topics];
        for (int i = 0; i < lambda.Length; i++) lambda[i] = 0.01f + (float)random.NextDouble() * 5;
        return new ModelSnapshot
        {
            Lambda = lambda,
            Alpha = Enumerable.Range(0, topics).Select(k => 0.1f + 0.05f * k).ToArray(),
            Eta = 0.02f,
            Vocabulary = vocabulary,
            Tau0 = 64,
            Kappa = 0.7,
            BatchSize = 256,
            Seed = 42,
            Steps = 12,
            DocumentsSeen = 3072,
            CorpusDocuments = 1000,
            Analyzer = new JsonObject { ["language"] = "en", ["stem"] = true, ["ngrams"] = 2 },
            Backend = "cpu",
            Created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Updated = new DateTimeOffset(2026, 1, 3, 3, 4, 5, TimeSpan.Zero),
            Updates = [new ModelUpdate("fit", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), 1000, 0, 12)],
            TrainingLog =
            [
                new TrainingLogRow(10, 2560, 0.0625, // rho is stored as float: values exact in float
                -7.5, Math.Exp(7.5), 1.25, "cpu"),
                new TrainingLogRow(12, 3072, 0.046875, -7.25, Math.Exp(7.25), 1.5, "cpu"),
            ],
            Trainer = new JsonObject { ["completed_passes"] = 3 },
        };
    }
}
