using System.Diagnostics;
using TopicEngine.Corpus;

namespace TopicEngine.Inference;

/// <summary>Where one pass's time went, as the training loop measured it.</summary>
/// <param name="LocalSeconds">Time in the local steps (E-step and statistics).</param>
/// <param name="GlobalSeconds">Time in the global steps (λ and expElogβ).</param>
/// <param name="WallSeconds">The whole pass, observers and waits for batches included.</param>
/// <param name="Documents">Documents processed.</param>
/// <param name="Tokens">Tokens processed.</param>
/// <param name="NonZeros">(document, term) pairs processed.</param>
/// <param name="Iterations">Local-step iterations, all documents together.</param>
/// <param name="Batches">Mini-batches.</param>
internal sealed record PassTiming(double LocalSeconds, double GlobalSeconds, double WallSeconds, long Documents, long Tokens,
    long NonZeros, long Iterations, int Batches)
{
    /// <summary>Local plus global step seconds: the compute time of the pass.</summary>
    public double Seconds => LocalSeconds + GlobalSeconds;
}

/// <summary>
/// The state of one fit while it runs, shared by <see cref="SviTrainer"/> and its observers: the variational
/// parameters the host keeps (α, η; λ stays in <see cref="Backend"/>), the step and pass counters, the logs and the
/// held-out documents. Observers read it and may change α, η, the logs and <see cref="Converged"/>.
/// </summary>
internal sealed class TrainingRun
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    internal TrainingRun(TrainingOptions options, ILdaBackend backend, IBatchSource corpus, TrainerState? resumeFrom,
        int trainingDocuments, int heldOutDocuments, int batchSize, long corpusDocuments, InMemoryCorpus heldOut)
    {
        Options = options;
        Backend = backend;
        Corpus = corpus;
        Topics = options.Topics;
        VocabularySize = corpus.VocabularySize;
        TrainingDocuments = trainingDocuments;
        HeldOutDocuments = heldOutDocuments;
        BatchSize = batchSize;
        BatchesPerPass = options.Mode == TrainingMode.Online ? (trainingDocuments + batchSize - 1) / batchSize : 1;
        CorpusDocuments = corpusDocuments;
        HeldOut = heldOut;
        Alpha = resumeFrom?.Alpha.ToArray() ?? DirichletPriors.InitialAlpha(options.Alpha, Topics);
        Eta = resumeFrom?.Eta ?? DirichletPriors.InitialEta(options.Eta, Topics);
        Step = resumeFrom?.Step ?? 0;
        CompletedPasses = resumeFrom?.CompletedPasses ?? 0;
        BatchesDoneInPass = resumeFrom?.BatchesDoneInPass ?? 0;
        DocumentsSeen = resumeFrom?.DocumentsSeen ?? 0;
        Log = resumeFrom?.Log.ToList() ?? [];
        HeldOutLog = resumeFrom?.HeldOutLog.ToList() ?? [];
        Converged = resumeFrom?.Converged ?? false;
        SecondsBefore = resumeFrom?.Seconds ?? 0;
    }

    /// <summary>The fit's settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Starved topics revived at the end of the last completed pass (<see cref="TopicRevival"/>).</summary>
    public int RevivedTopics { get; set; }

    /// <summary>The backend: holds λ and expElogβ for the whole fit.</summary>
    public ILdaBackend Backend { get; }

    /// <summary>The whole corpus (held-out documents included).</summary>
    public IBatchSource Corpus { get; }

    /// <summary>K.</summary>
    public int Topics { get; }

    /// <summary>V.</summary>
    public int VocabularySize { get; }

    /// <summary>Documents trained on.</summary>
    public int TrainingDocuments { get; }

    /// <summary>Documents held out.</summary>
    public int HeldOutDocuments { get; }

    /// <summary>|B| (auto resolved).</summary>
    public int BatchSize { get; }

    /// <summary>Global steps per pass.</summary>
    public int BatchesPerPass { get; }

    /// <summary>D of the D/|B| scale.</summary>
    public long CorpusDocuments { get; }

    /// <summary>The held-out documents, complete once the first pass of this run has read the corpus.</summary>
    public InMemoryCorpus HeldOut { get; }

    /// <summary>α (K); observers may update it in place.</summary>
    public float[] Alpha { get; }

    /// <summary>η.</summary>
    public float Eta { get; set; }

    /// <summary>Global steps done, t.</summary>
    public long Step { get; internal set; }

    /// <summary>Whether the pass under way takes one global step at its end rather than one per mini-batch: every pass in batch
    /// mode, and an online fit's first pass with <see cref="TrainingOptions.BatchFirstPass"/> (before its first global step, so
    /// never in an update or after that step).</summary>
    public bool InBatchPass => Options.Mode == TrainingMode.Batch || (Options.BatchFirstPass && Step == 0);

    /// <summary>Passes fully done.</summary>
    public int CompletedPasses { get; internal set; }

    /// <summary>Mini-batches done in the pass in progress.</summary>
    public int BatchesDoneInPass { get; internal set; }

    /// <summary>Training documents processed, all runs together.</summary>
    public long DocumentsSeen { get; internal set; }

    /// <summary>Training documents processed by this run (not before a resume).</summary>
    public long DocumentsThisRun { get; internal set; }

    /// <summary>Training tokens processed by this run.</summary>
    public long TokensThisRun { get; internal set; }

    /// <summary>Logged steps (training_log.parquet).</summary>
    public List<TrainingLogRow> Log { get; }

    /// <summary>Held-out evaluations, one per pass.</summary>
    public List<HeldOutLogRow> HeldOutLog { get; }

    /// <summary>Set by a policy to stop after the current pass (<c>--passes auto</c>).</summary>
    public bool Converged { get; set; }

    /// <summary>The per-word ELBO of the step in progress when it was logged, else null (read by progress).</summary>
    public double? StepElboPerWord { get; set; }

    /// <summary>Training seconds before this run (a resumed fit's).</summary>
    public double SecondsBefore { get; }

    /// <summary>Seconds since this run started.</summary>
    public double SecondsThisRun => _clock.Elapsed.TotalSeconds;

    /// <summary>Training seconds, all runs together.</summary>
    public double Seconds => SecondsBefore + SecondsThisRun;

    /// <summary>The timing of the last completed pass (valid in <see cref="ITrainingObserver.AfterPass"/>).</summary>
    public PassTiming? LastPass { get; internal set; }

    /// <summary>The state to resume from (a checkpoint): copies λ off the backend (V×K floats).</summary>
    public TrainerState Capture()
    {
        var lambda = new float[(long)VocabularySize * Topics];
        Backend.GetLambda(lambda);
        return new TrainerState(Topics, VocabularySize, lambda, Alpha.ToArray(), Eta, Step, CompletedPasses, BatchesDoneInPass,
            DocumentsSeen, Seconds, Log.ToArray(), HeldOutLog.ToArray(), Converged);
    }
}
