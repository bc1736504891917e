using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TopicEngine.Inference;
using TopicEngine.Storage;

namespace TopicEngine.Model;

/// <summary>
/// Checkpoints of a fit (<c>fit --checkpoint-every N</c>) and their resumption (<c>fit --resume DIR</c>).
/// <para>A checkpoint is the model directory itself, complete and loadable (λ, vocabulary, topics, log; no
/// doc_topics.parquet), written atomically by <see cref="ModelDirectory.SaveAsync"/> while the fit goes on.
/// Its history ends with a <c>checkpoint</c> entry, model.json's <c>trainer</c> object holds the position in the
/// pass, and <c>trainer.fit_options</c> the settings that must not change on resume (K, V, vocabulary hash,
/// corpus size, seed, threads, schedule, priors, local step). The final save of the fit replaces it.</para>
/// </summary>
internal static class FitCheckpoint
{
    /// <summary>Kind of the history entry that marks a checkpoint.</summary>
    public const string Kind = "checkpoint";

    private const string OptionsProperty = "fit_options";

    /// <summary>The snapshot saved as a checkpoint of <paramref name="request"/> at <paramref name="state"/>.</summary>
    public static ModelSnapshot Snapshot(FitRequest request, TrainerState state, int trainingDocuments)
    {
        var history = new[] { new ModelUpdate(Kind, DateTimeOffset.UtcNow, state.DocumentsSeen, 0, state.Step) };
        var analyzer = ModelJson.AnalyzerNode(request.Analyzer);
        var snapshot = ModelSnapshot.FromTraining(state, request.Options, request.Vocabulary, "", trainingDocuments, analyzer, history)
            with { TrainingCorpus = request.TrainingCorpus?.ToJson() };
        var trainer = snapshot.Trainer!;
        var options = new JsonObject();
        foreach (var (name, value) in Settings(request)) options[name] = value;
        trainer[OptionsProperty] = options;
        return snapshot;
    }

    /// <summary>
    /// Loads the checkpoint in <paramref name="directory"/>. Versions are switched atomically now
    /// (<see cref="VersionedDirectory"/>), but a model directory written by an earlier release could be killed between the
    /// two renames of its replacement (old checkpoint moved aside, new one not yet in place): the directory is then
    /// missing, and the complete new checkpoint (<c>.NAME.tmp-*</c>) or else the old one (<c>.NAME.tmp-*.old</c>) waits
    /// beside it; the first that verifies is moved back into place.
    /// </summary>
    public static async Task<ModelSnapshot> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        string target = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string? parent = Path.GetDirectoryName(target);
        if (!Directory.Exists(target) && parent is not null && Directory.Exists(parent))
        {
            var candidates = Directory.EnumerateDirectories(parent, $".{Path.GetFileName(target)}.tmp-*")
                .Where(d => VersionedDirectory.Holds(d, ModelManifest.FileName))
                .OrderBy(d => d.EndsWith(".old", StringComparison.Ordinal) ? 1 : 0).ThenBy(d => d, StringComparer.Ordinal);
            foreach (var candidate in candidates)
            {
                try { await ModelDirectory.VerifyAsync(candidate, cancellationToken); }
                catch (TopicEngineException) { continue; }
                Directory.Move(candidate, target);
                break;
            }
        }
        return await ModelDirectory.LoadAsync(target, cancellationToken);
    }

    /// <summary>
    /// Checks that <paramref name="checkpoint"/> (loaded from <paramref name="directory"/>) is a checkpoint of this very fit
    /// (same corpus, vocabulary and settings) and returns the trainer state to continue from; otherwise throws a
    /// one-line <see cref="TopicEngineException"/> naming what differs.
    /// </summary>
    public static TrainerState ResumeState(ModelSnapshot checkpoint, FitRequest request, string directory)
    {
        string manifest = Path.Combine(directory, ModelManifest.FileName);
        if (checkpoint.Updates.Count == 0 || checkpoint.Updates[^1].Kind != Kind)
            throw new TopicEngineException($"--resume {directory}: the model is not a checkpoint (its last history entry is '{(checkpoint.Updates.Count > 0 ? checkpoint.Updates[^1].Kind : "none")}'); the fit it came from is complete; use update to add documents");
        if (checkpoint.Trainer?[OptionsProperty] is not JsonObject saved)
            throw new TopicEngineException($"{manifest}: the checkpoint does not record its fit settings (trainer.{OptionsProperty}); fit again without --resume");
        foreach (var (name, value) in Settings(request))
        {
            string? before = saved[name]?.GetValue<string>() ?? SettingsAddedLater.GetValueOrDefault(name);
            if (before != value)
                throw new TopicEngineException($"--resume {directory}: the checkpoint has {name} {before ?? "(none)"} but this fit has {value}; resume with the same corpus and options");
        }
        return checkpoint.ToTrainerState();
    }

    /// <summary>Settings that checkpoints written before them do not record, with the value those fits had.</summary>
    private static readonly Dictionary<string, string> SettingsAddedLater = new() { ["--revive-topics"] = "off", ["--first-pass"] = "online", ["--relaxation"] = "1", ["--start"] = "random", ["--tolerance-by-length"] = "off" };

    /// <summary>The settings that must match between a checkpoint and its resumption, by the flag that sets them.</summary>
    private static IEnumerable<(string Name, string Value)> Settings(FitRequest request)
    {
        var o = request.Options;
        var c = CultureInfo.InvariantCulture;
        yield return ("--topics", o.Topics.ToString(c));
        yield return ("vocabulary size", request.Vocabulary.Count.ToString(c));
        yield return ("vocabulary hash", request.Vocabulary.Fingerprint());
        yield return ("corpus documents", request.Corpus.DocumentCount.ToString(c));
        yield return ("corpus tokens", request.Corpus.TokenCount.ToString(c));
        yield return ("--mode", o.Mode.ToString().ToLowerInvariant());
        yield return ("--passes", o.Passes?.ToString(c) ?? "auto");
        yield return ("--batch-size", o.BatchSize?.ToString(c) ?? "auto");
        yield return ("--kappa", o.Kappa.ToString("R", c));
        yield return ("--tau0", o.Tau0.ToString("R", c));
        yield return ("--alpha", o.Alpha.ToString());
        yield return ("--eta", o.Eta.ToString());
        yield return ("--max-iterations", o.LocalStep.MaxIterations.ToString(c));
        yield return ("--tolerance", o.LocalStep.Tolerance.ToString("R", c));
        yield return ("--relaxation", o.LocalStep.Relaxation.ToString("R", c));
        yield return ("--tolerance-by-length", o.LocalStep.ToleranceByLength ? "on" : "off");
        yield return ("--holdout", o.HoldoutFraction.ToString("R", c));
        yield return ("--seed", o.Seed.ToString(c));
        yield return ("--threads", (o.Threads == 0 ? Environment.ProcessorCount : o.Threads).ToString(c));
        yield return ("--eval-every", o.EvalEvery.ToString(c));
        yield return ("--warm-start", o.WarmStart ? "on" : "off");
        yield return ("--revive-topics", o.ReviveTopics > 0 ? o.ReviveTopics.ToString("R", c) : "off");
        yield return ("--first-pass", o.BatchFirstPass ? "batch" : "online");
        yield return ("--start", o.Start.ToString().ToLowerInvariant());
    }
}

/// <summary>
/// Writes the checkpoints a fit hands out, in the background: the trainer only pays for copying its state
/// (done by the trainer) and waits only if the previous checkpoint is still being written. Call
/// <see cref="FlushAsync"/> before the final save (it rethrows a failed write).
/// </summary>
internal sealed class CheckpointWriter
{
    private readonly string _directory;
    private readonly Func<TrainerState, ModelSnapshot> _snapshot;
    private readonly int _passes;
    private readonly Stopwatch _waiting = new();
    private Task _pending = Task.CompletedTask;

    /// <param name="directory">The model directory the checkpoints replace.</param>
    /// <param name="options">The fit's options: the state after its last pass is not written (the final save follows at once).</param>
    /// <param name="snapshot">Builds the snapshot to save (called on the background thread).</param>
    public CheckpointWriter(string directory, TrainingOptions options, Func<TrainerState, ModelSnapshot> snapshot)
    {
        _directory = directory;
        _snapshot = snapshot;
        _passes = options.Passes ?? options.MaxAutoPasses;
    }

    /// <summary>Checkpoints written (or being written).</summary>
    public int Count { get; private set; }

    /// <summary>Time the trainer spent waiting for an earlier write to finish.</summary>
    public TimeSpan WaitTime => _waiting.Elapsed;

    /// <summary>Hands <paramref name="state"/> to the background writer (the trainer's thread; waits for the previous write).</summary>
    public void Write(TrainerState state)
    {
        if (state.Converged || (state.BatchesDoneInPass == 0 && state.CompletedPasses >= _passes)) return;
        _waiting.Start();
        try { _pending.GetAwaiter().GetResult(); }
        finally { _waiting.Stop(); }
        Count++;
        _pending = Task.Run(() => ModelDirectory.SaveAsync(_directory, _snapshot(state)));
    }

    /// <summary>Waits for the write in progress; rethrows its failure.</summary>
    public Task FlushAsync() => _pending;

    /// <summary>Waits for the write in progress without rethrowing (when the fit itself failed or was cancelled).</summary>
    public async Task SettleAsync()
    {
        try { await _pending; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TopicEngineException) { }
    }
}
