using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TopicEngine.Inference;
using TopicEngine.Text;

namespace TopicEngine.Model;

/// <summary>
/// Everything a model directory holds, in memory: what <see cref="ModelDirectory"/> saves and loads.
/// λ is V×K, term-major (<c>Lambda[w*K + k]</c>); K = <c>Alpha.Length</c>, V = <c>Vocabulary.Count</c>.
/// </summary>
internal sealed record ModelSnapshot
{
    /// <summary>λ, V×K term-major.</summary>
    public required float[] Lambda { get; init; }
    /// <summary>α, length K.</summary>
    public required float[] Alpha { get; init; }
    /// <summary>η.</summary>
    public required float Eta { get; init; }
    /// <summary>The terms, ids 0..V−1, with df/cf.</summary>
    public required Vocabulary Vocabulary { get; init; }

    public double Tau0 { get; init; }
    public double Kappa { get; init; }
    public int BatchSize { get; init; }
    public long Seed { get; init; }
    /// <summary>Global steps done, t.</summary>
    public long Steps { get; init; }
    public long DocumentsSeen { get; init; }
    /// <summary>D, the corpus size of the D/|B| scale.</summary>
    public long CorpusDocuments { get; init; }
    /// <summary>Analyzer settings as JSON (the text pipeline's <c>AnalyzerSettings</c>), or null for pre-counted input.</summary>
    public JsonObject? Analyzer { get; init; }
    /// <summary>Where the fitted documents came from (<see cref="TrainingCorpusRecord"/> as JSON), or null.</summary>
    public JsonObject? TrainingCorpus { get; init; }
    public string Backend { get; init; } = "";
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset Updated { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>History: one entry per fit, update or checkpoint, oldest first.</summary>
    public IReadOnlyList<ModelUpdate> Updates { get; init; } = [];
    /// <summary>Rows of training_log.parquet.</summary>
    public IReadOnlyList<TrainingLogRow> TrainingLog { get; init; } = [];
    /// <summary>Opaque trainer state (checkpoint/resume), or null.</summary>
    public JsonObject? Trainer { get; init; }

    /// <summary>K.</summary>
    public int Topics => Alpha.Length;

    /// <summary>V.</summary>
    public int VocabularySize => Vocabulary.Count;

    /// <summary>Throws when the parts do not fit together or λ is not finite and positive.</summary>
    public void Validate()
    {
        if (Topics <= 0) throw new ArgumentException("alpha must have one value per topic (K ≥ 1).");
        if (VocabularySize <= 0) throw new TopicEngineException("cannot save a model with an empty vocabulary");
        if (Lambda.Length != (long)Topics * VocabularySize)
            throw new ArgumentException($"lambda holds {Lambda.Length} floats; expected V×K = {VocabularySize}×{Topics}.");
        for (int i = 0; i < Lambda.Length; i++)
            if (!(Lambda[i] > 0) || !float.IsFinite(Lambda[i]))
                throw new TopicEngineException($"refusing to save: lambda[term {i / Topics}, topic {i % Topics}] = {Lambda[i]} (must be finite and positive)");
        foreach (var a in Alpha)
            if (!(a > 0) || !float.IsFinite(a)) throw new TopicEngineException($"refusing to save: alpha value {a} (must be finite and positive)");
        if (!(Eta > 0) || !float.IsFinite(Eta)) throw new TopicEngineException($"refusing to save: eta = {Eta} (must be finite and positive)");
    }

    /// <summary>
    /// The snapshot of a fit or checkpoint: λ, α, η, t, documents seen and the step log from
    /// <paramref name="state"/>; τ0, κ, batch size and seed from <paramref name="options"/>; the rest of
    /// the trainer state (passes, position in the pass, seconds, held-out log, convergence) kept in
    /// <see cref="Trainer"/> so that <see cref="ToTrainerState"/> can resume it.
    /// </summary>
    public static ModelSnapshot FromTraining(TrainerState state, TrainingOptions options, Vocabulary vocabulary, string backend,
        long corpusDocuments, JsonObject? analyzer = null, IReadOnlyList<ModelUpdate>? updates = null, DateTimeOffset? created = null)
    {
        var now = DateTimeOffset.UtcNow;
        var trainer = new TrainerJson(state.CompletedPasses, state.BatchesDoneInPass, state.Seconds, state.Converged, [.. state.HeldOutLog]);
        return new ModelSnapshot
        {
            Lambda = state.Lambda,
            Alpha = state.Alpha,
            Eta = state.Eta,
            Vocabulary = vocabulary,
            Tau0 = options.Tau0,
            Kappa = options.Kappa,
            BatchSize = options.ResolveBatchSize((int)Math.Min(corpusDocuments, int.MaxValue)),
            Seed = options.Seed,
            Steps = state.Step,
            DocumentsSeen = state.DocumentsSeen,
            CorpusDocuments = corpusDocuments,
            Analyzer = analyzer,
            Backend = backend,
            Created = created ?? now,
            Updated = now,
            Updates = updates ?? [],
            TrainingLog = state.Log,
            Trainer = JsonSerializer.SerializeToNode(trainer, ModelManifest.Json)!.AsObject(),
        };
    }

    /// <summary>The trainer state saved by <see cref="FromTraining"/> (to resume a checkpoint); a model
    /// without trainer state (e.g. written by another tool) resumes as if every pass were complete.</summary>
    public TrainerState ToTrainerState()
    {
        TrainerJson? trainer;
        try
        {
            trainer = Trainer?.Deserialize<TrainerJson>(ModelManifest.Json);
        }
        catch (JsonException e)
        {
            throw new TopicEngineException($"{ModelManifest.FileName}: the trainer state cannot be read ({e.Message}); fit again without --resume", e);
        }
        trainer ??= new TrainerJson(0, 0, TrainingLog.Count > 0 ? TrainingLog[^1].Seconds : 0, false, []);
        return new TrainerState(Topics, VocabularySize, Lambda, Alpha, Eta, Steps, trainer.CompletedPasses, trainer.BatchesDoneInPass,
            DocumentsSeen, trainer.Seconds, TrainingLog, trainer.HeldOutLog, trainer.Converged);
    }

    /// <summary>The analyzer settings recorded in model.json, validated; null for a model fitted on pre-counted input
    /// (UCI, LDA-C), which records none. <paramref name="directory"/> names the model in the error.</summary>
    public AnalyzerSettings? ReadAnalyzer(string? directory = null)
    {
        if (Analyzer is null) return null;
        try
        {
            var settings = Analyzer.Deserialize<AnalyzerSettings>() ?? throw new JsonException("null");
            settings.Validate();
            return settings;
        }
        catch (JsonException e)
        {
            string file = directory is null ? ModelManifest.FileName : Path.Combine(directory, ModelManifest.FileName);
            throw new TopicEngineException($"{file}: the analyzer settings cannot be read ({e.Message}); fit the model again", e);
        }
    }

    /// <summary>model.json's <c>trainer</c> object.</summary>
    internal sealed record TrainerJson(
        [property: JsonPropertyName("completed_passes")] int CompletedPasses,
        [property: JsonPropertyName("batches_done_in_pass")] int BatchesDoneInPass,
        [property: JsonPropertyName("seconds")] double Seconds,
        [property: JsonPropertyName("converged")] bool Converged,
        [property: JsonPropertyName("held_out_log")] List<HeldOutLogRow> HeldOutLog);
}
