using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>
/// The final local step of a fit or update: γ of every document against the fitted λ, streamed batch by batch so that
/// doc_topics.parquet is written without holding the corpus. γ of an empty document is α.
/// </summary>
internal static class ThetaPass
{
    /// <summary>Documents per batch when the fit's batch size is not known (any size gives the same γ).</summary>
    public const int DefaultBatchSize = 1024;

    /// <summary>γ of every batch of <paramref name="batches"/>. Each batch's γ is the runner's buffer, not a copy (at K = 500
    /// a copy was 2 MB of garbage per 1,024 documents): valid until the next batch is requested.</summary>
    public static IEnumerable<DocumentTopicsBatch> Run(LocalStepRunner runner, IEnumerable<SparseBatch> batches, float[] alpha,
        CancellationToken cancellationToken = default)
    {
        int k = runner.Backend.Topics;
        foreach (var output in runner.Run(batches, alpha, cancellationToken: cancellationToken))
        {
            var tokens = new long[output.Batch.DocumentCount];
            for (int d = 0; d < tokens.Length; d++) tokens[d] = output.TokensOf(d);
            yield return new DocumentTopicsBatch(output.Batch.Keys, output.Gamma, tokens, k);
        }
    }
}
