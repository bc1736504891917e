using TopicEngine.Inference;
using TopicEngine.Model;

namespace TopicEngine;

/// <summary>A model's training curve: training_log.parquet's rows, and the held-out perplexity measured at the end of
/// every pass (model.json's trainer state), each placed at the documents seen by then.</summary>
/// <param name="Steps">Every logged global step (per-word bound, perplexity = exp(−bound), documents seen).</param>
/// <param name="HeldOut">Held-out document-completion perplexity per pass, with the documents seen at its step (empty when
/// the fit held nothing out).</param>
public sealed record TrainingCurve(IReadOnlyList<TrainingLogRow> Steps, IReadOnlyList<HeldOutPoint> HeldOut)
{
    /// <summary>Reads the curve of the model in <paramref name="modelDirectory"/>.</summary>
    /// <exception cref="TopicEngineException">A missing or damaged model.</exception>
    public static async Task<TrainingCurve> ReadAsync(string modelDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        var snapshot = await ModelDirectory.LoadAsync(modelDirectory, cancellationToken);
        return From(snapshot);
    }

    internal static TrainingCurve From(ModelSnapshot snapshot)
    {
        var log = snapshot.TrainingLog;
        var heldOut = snapshot.ToTrainerState().HeldOutLog.Select(h =>
        {
            // the documents seen at the held-out row's step: the logged step at or before it
            long seen = 0;
            foreach (var row in log) if (row.Step <= h.Step) seen = row.DocumentsSeen;
            return new HeldOutPoint(seen, h.Perplexity);
        }).ToArray();
        return new TrainingCurve(log, heldOut);
    }
}

/// <summary>Held-out perplexity measured at the end of a pass, and the documents seen by then.</summary>
/// <param name="DocumentsSeen">Training documents processed when it was measured.</param>
/// <param name="Perplexity">Document-completion perplexity of the held-out documents.</param>
public sealed record HeldOutPoint(long DocumentsSeen, double Perplexity);
