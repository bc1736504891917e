using System.Diagnostics;
using TopicEngine.Corpus;
using TopicEngine.Inference;
using TopicEngine.Storage;
using TopicEngine.Text;

namespace TopicEngine.Model;

/// <summary>What one <c>infer</c> run needs.</summary>
/// <param name="Vocabulary">The model's vocabulary.</param>
/// <param name="Alpha">The model's α.</param>
/// <param name="Analyzer">The model's analyzer settings (the defaults for a model fitted on pre-counted input).</param>
/// <param name="Sources">The new documents: raw text (analysed with the model's settings) or pre-counted (mapped by term name).</param>
/// <param name="OutputPath">The Parquet file to write (doc_topics schema), atomically.</param>
/// <param name="Runner">The local step against the model's λ (a CPU backend on all cores, or a GPU), λ set; unchanged.</param>
/// <param name="BatchSize">Documents analysed and inferred together.</param>
/// <param name="Threads">Analysis threads; 0 means all cores.</param>
/// <param name="CredibleLevel">The mass of the θ intervals written (theta_lower, theta_upper).</param>
internal sealed record InferRequest(
    Vocabulary Vocabulary,
    float[] Alpha,
    AnalyzerSettings Analyzer,
    IReadOnlyList<CorpusSource> Sources,
    string OutputPath,
    LocalStepRunner Runner,
    int BatchSize = ThetaPass.DefaultBatchSize,
    int Threads = 0,
    double CredibleLevel = BetaDistribution.DefaultCredibleLevel);

/// <summary>What an <c>infer</c> run did.</summary>
/// <param name="Documents">Documents written.</param>
/// <param name="Tokens">Tokens the model knows, over all documents (the token_count column summed).</param>
/// <param name="UnknownTokens">Tokens dropped because the vocabulary lacks their term.</param>
/// <param name="Reading">What the readers read and skipped (documents per type, skips per reason).</param>
/// <param name="Backend">The backend's name.</param>
/// <param name="Elapsed">Wall time.</param>
internal sealed record InferOutcome(long Documents, long Tokens, long UnknownTokens, ReadReport Reading, string Backend, TimeSpan Elapsed);

/// <summary>
/// <c>topic-engine infer</c> end to end: new documents stream through the model's analyzer in batches
/// (<see cref="BatchBuilder"/>, all cores), the backend runs the local step against the model's λ for each batch
/// while the next one is being analysed, and every document's γ goes to a <see cref="DocTopicsWriter"/>
/// (θ, dominant topic, entropy, token count), which renames the file into place only when all are written.
/// </summary>
internal static class InferJob
{
    public static async Task<InferOutcome> RunAsync(InferRequest request, CancellationToken cancellationToken = default)
    {
        if (request.BatchSize <= 0) throw new TopicEngineException($"--batch-size must be at least 1, not {request.BatchSize}");
        if (request.Sources.Count == 0) throw new TopicEngineException("no input to infer; pass --input");
        var clock = Stopwatch.StartNew();
        int k = request.Alpha.Length;
        string output = Path.GetFullPath(request.OutputPath);
        if (System.IO.Directory.Exists(output)) throw new TopicEngineException($"--out '{request.OutputPath}' is a folder; name a .parquet file");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        using var analyzer = new TextAnalyzer(request.Analyzer);
        var builder = new BatchBuilder(analyzer, request.Vocabulary, threads: request.Threads);
        var report = new ReadReport();
        long documents = 0, tokens = 0;
        await using (var writer = await DocTopicsWriter.CreateAsync(output, k, cancellationToken, request.CredibleLevel))
        {
            // The runner analyses batch n+1 (reader + BatchBuilder, on its own thread) while the backend infers batch n.
            var batches = request.Sources.SelectMany(source => builder.Batches(source, request.BatchSize, report));
            (documents, tokens) = await writer.WriteThetaPassAsync(request.Runner, batches, request.Alpha, cancellationToken);
            if (documents == 0)
                throw new TopicEngineException($"no documents in {string.Join(", ", request.Sources.Select(s => s.Path))}");
            await writer.CompleteAsync(cancellationToken);
        }
        return new InferOutcome(documents, tokens, builder.UnknownTokens, report, request.Runner.Backend.Name, clock.Elapsed);
    }
}
