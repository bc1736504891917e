using System.Diagnostics;
using TopicEngine.Corpus;
using TopicEngine.Evaluation;

namespace TopicEngine.Inference;

/// <summary>
/// Fits LDA by stochastic variational inference (Hoffman, Blei &amp; Bach 2010; Hoffman et al. 2013) or batch
/// variational Bayes, on whatever <see cref="ILdaBackend"/> the factory builds; it never knows which device runs.
/// <para>Online, per mini-batch B of the D training documents (held-out documents excluded):
/// local step (γ, s) → α Newton step (auto) → λ ← (1 − ρ_t) λ + ρ_t (η + (D/|B|) s), ρ_t = (τ0 + t)^(−κ)
/// → η Newton step (auto) → t ← t + 1. Batch: the statistics of every batch of a pass add up, then one
/// global step with ρ = 1 and scale 1.</para>
/// <para>Call order: construct, <see cref="Fit"/> (optionally from a <see cref="TrainerState"/> checkpoint),
/// then <see cref="InferDocumentTopics"/> for the final γ of every document, streamed batch by batch.</para>
/// </summary>
internal sealed class SviTrainer
{
    private readonly Func<int, ILdaBackend> _backendFactory;

    /// <param name="options">The fit's settings; validated here.</param>
    /// <param name="backendFactory">Builds a backend for K topics (called once for training, once for held-out evaluation).</param>
    public SviTrainer(TrainingOptions options, Func<int, ILdaBackend> backendFactory)
    {
        options.Validate();
        Options = options;
        _backendFactory = backendFactory;
    }

    /// <summary>The validated settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Documents per batch of the final local step (any size gives the same γ).</summary>
    private int InferenceBatchSize => Options.BatchSize ?? 1024;

    private LocalStepOptions LocalOptions => new(Options.MaxIterations, Options.Tolerance);

    /// <summary>
    /// Trains on <paramref name="corpus"/>. With <paramref name="resumeFrom"/>, continues a checkpoint of the same
    /// corpus and options (λ then matches the uninterrupted fit bit for bit). <paramref name="checkpoint"/> receives
    /// a state every <see cref="TrainingOptions.CheckpointEvery"/> mini-batches and at the end of every pass.
    /// <paramref name="corpusDocuments"/> overrides D of the D/|B| scale (default: the corpus's training documents);
    /// <c>update</c> passes the documents of the model plus the new ones.
    /// </summary>
    public TrainingResult Fit(IBatchSource corpus, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default, TrainerState? resumeFrom = null, Action<TrainerState>? checkpoint = null,
        long? corpusDocuments = null)
    {
        var o = Options;
        int k = o.Topics, v = corpus.VocabularySize, documents = corpus.DocumentCount;
        if (documents == 0) throw new TopicEngineException("the corpus has no documents: check --input (or --corpus).");
        if (v == 0) throw new TopicEngineException("the vocabulary is empty: every term was pruned; lower --min-df or raise --max-df.");
        if (corpus.TokenCount == 0) throw new TopicEngineException("every document of the corpus is empty after analysis: check --input and the analyzer settings.");
        if (resumeFrom is not null && (resumeFrom.Topics != k || resumeFrom.VocabularySize != v || resumeFrom.Lambda.Length != (long)v * k))
            throw new TopicEngineException($"the checkpoint has K={resumeFrom.Topics}, V={resumeFrom.VocabularySize} but this fit has K={k}, V={v}: resume with the same corpus and --topics.");

        var heldOutMask = TrainingData.ChooseHeldOut(documents, o.HoldoutFraction, o.MaxHoldoutDocuments, o.Seed);
        int heldOutCount = heldOutMask.Count(h => h);
        int trainingDocuments = documents - heldOutCount;
        int batchSize = o.ResolveBatchSize(trainingDocuments);
        var heldOut = new InMemoryCorpus(v);
        bool heldOutCollected = false;

        var lambda = resumeFrom?.Lambda.ToArray() ?? TrainingData.InitialLambda(v, k, o.Seed, o.Threads == 0 ? Environment.ProcessorCount : o.Threads);
        var alpha = resumeFrom?.Alpha.ToArray() ?? DirichletPriors.InitialAlpha(o.Alpha, k);
        float eta = resumeFrom?.Eta ?? DirichletPriors.InitialEta(o.Eta, k);
        long step = resumeFrom?.Step ?? 0;
        int completedPasses = resumeFrom?.CompletedPasses ?? 0;
        int skipBatches = resumeFrom?.BatchesDoneInPass ?? 0;
        long documentsSeen = resumeFrom?.DocumentsSeen ?? 0;
        var log = resumeFrom?.Log.ToList() ?? new List<TrainingLogRow>();
        var heldOutLog = resumeFrom?.HeldOutLog.ToList() ?? new List<HeldOutLogRow>();
        bool converged = resumeFrom?.Converged ?? false;
        double secondsBefore = resumeFrom?.Seconds ?? 0;
        int threads = o.Threads == 0 ? Environment.ProcessorCount : o.Threads;

        using var backend = _backendFactory(k);
        if (backend.Topics != k) throw new InvalidOperationException("The backend factory built a backend with another K.");
        backend.SetLambda(lambda, v);
        ILdaBackend? evaluationBackend = null;
        var clock = Stopwatch.StartNew();
        long tokensThisRun = 0, documentsThisRun = 0;
        double lastRho = 1;
        int batchesPerPass = o.Mode == TrainingMode.Online ? (trainingDocuments + batchSize - 1) / batchSize : 1;
        int passLimit = o.Passes ?? o.MaxAutoPasses;
        var gamma = new float[batchSize * k];
        var meanElogTheta = new double[k];
        var elogTheta = new double[k];
        int batchesDoneInPass = skipBatches;

        TrainerState Capture() => new(k, v, CopyLambda(backend), alpha.ToArray(), eta, step, completedPasses, batchesDoneInPass,
            documentsSeen, secondsBefore + clock.Elapsed.TotalSeconds, log.ToArray(), heldOutLog.ToArray(), converged);

        TimeSpan? Remaining()
        {
            if (documentsThisRun == 0) return null;
            double perDocument = clock.Elapsed.TotalSeconds / documentsThisRun;
            int passesLeft = (o.Passes ?? completedPasses + 1) - completedPasses - 1;
            double documentsLeft = (double)passesLeft * trainingDocuments + (o.Mode == TrainingMode.Online
                ? Math.Max(0, trainingDocuments - (double)batchesDoneInPass * batchSize) : 0);
            return TimeSpan.FromSeconds(Math.Max(0, documentsLeft * perDocument));
        }

        void Report(double rho, double? elboPerWord, double? heldOutPerplexity)
        {
            if (progress is null) return;
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            progress.Report(new TrainingProgress(completedPasses + 1, step, batchesDoneInPass, batchesPerPass, documentsSeen,
                tokensThisRun / seconds, documentsThisRun / seconds, rho, elboPerWord,
                elboPerWord is { } e ? Math.Exp(-e) : null, heldOutPerplexity, Remaining()));
        }

        void AccumulateElogTheta(int count)
        {
            for (int d = 0; d < count; d++)
            {
                LdaMath.DirichletExpectation(gamma.AsSpan(d * k, k), elogTheta);
                for (int t = 0; t < k; t++) meanElogTheta[t] += elogTheta[t];
            }
        }

        void UpdateAlpha(long count, double rho)
        {
            if (o.Alpha.Kind != PriorKind.Auto || count == 0) return;
            for (int t = 0; t < k; t++) meanElogTheta[t] /= count;
            DirichletPriors.UpdateAlpha(alpha, meanElogTheta, count, rho);
        }

        void UpdateEta(double rho)
        {
            if (o.Eta.Kind != PriorKind.Auto) return;
            var current = CopyLambda(backend);
            eta = DirichletPriors.UpdateEta(eta, DirichletPriors.SumElogBeta(current, v, k, threads), k, v, rho);
        }

        double? LogStep(double documentBound, long tokens, double scale, double rho)
        {
            if (tokens == 0) return null;
            double betaPart = LdaMath.TopicWordBound(CopyLambda(backend), v, k, eta, threads);
            double perWord = (documentBound * scale + betaPart) / (tokens * scale);
            log.Add(new TrainingLogRow(step + 1, documentsSeen, rho, perWord, Math.Exp(-perWord),
                secondsBefore + clock.Elapsed.TotalSeconds, backend.Name));
            return perWord;
        }

        try
        {
            while (completedPasses < passLimit && !converged)
            {
                int batchIndex = 0;
                double passBound = 0;
                long passTokens = 0, passDocuments = 0;
                Array.Clear(meanElogTheta);
                foreach (var batch in TrainingData.TrainingBatches(corpus, heldOutMask, batchSize, heldOutCollected ? null : heldOut))
                {
                    if (batchIndex++ < skipBatches) continue; // resume: these updates are already in λ
                    cancellationToken.ThrowIfCancellationRequested();
                    bool lastOfPass = batchIndex == batchesPerPass;
                    if (o.Mode == TrainingMode.Online)
                    {
                        bool logged = lastOfPass || (o.EvalEvery > 0 && (step + 1) % o.EvalEvery == 0);
                        var result = backend.LocalStep(batch, alpha, LocalOptions, gamma, accumulateStatistics: true, computeBound: logged);
                        double rho = Math.Pow(o.Tau0 + step, -o.Kappa);
                        double scale = (double)(corpusDocuments ?? trainingDocuments) / batch.DocumentCount;
                        double? perWord = logged ? LogStep(result.DocumentBound, result.Tokens, scale, rho) : null;
                        Array.Clear(meanElogTheta);
                        if (o.Alpha.Kind == PriorKind.Auto) AccumulateElogTheta(batch.DocumentCount);
                        UpdateAlpha(batch.DocumentCount, rho);
                        backend.GlobalStep((float)rho, eta, (float)scale);
                        UpdateEta(rho);
                        step++;
                        documentsSeen += batch.DocumentCount;
                        documentsThisRun += batch.DocumentCount;
                        tokensThisRun += result.Tokens;
                        batchesDoneInPass = batchIndex;
                        lastRho = rho;
                        Report(rho, perWord, null);
                        if (checkpoint is not null && o.CheckpointEvery > 0 && step % o.CheckpointEvery == 0 && !lastOfPass)
                            checkpoint(Capture());
                    }
                    else
                    {
                        var result = backend.LocalStep(batch, alpha, LocalOptions, gamma, accumulateStatistics: true, computeBound: true);
                        passBound += result.DocumentBound;
                        passTokens += result.Tokens;
                        passDocuments += batch.DocumentCount;
                        if (o.Alpha.Kind == PriorKind.Auto) AccumulateElogTheta(batch.DocumentCount);
                        documentsSeen += batch.DocumentCount;
                        documentsThisRun += batch.DocumentCount;
                        tokensThisRun += result.Tokens;
                        Report(1, null, null);
                    }
                }
                heldOutCollected = true;
                if (o.Mode == TrainingMode.Batch)
                {
                    double? perWord = LogStep(passBound, passTokens, 1, 1);
                    UpdateAlpha(passDocuments, 1);
                    backend.GlobalStep(1f, eta, 1f);
                    UpdateEta(1);
                    step++;
                    Report(1, perWord, null);
                }
                completedPasses++;
                batchesDoneInPass = 0;
                skipBatches = 0;

                double? heldOutPerplexity = null;
                if (heldOut.DocumentCount > 0)
                {
                    evaluationBackend ??= _backendFactory(k);
                    var evaluation = DocumentCompletion.EvaluateLambda(CopyLambda(backend), k, v, heldOut, alpha, evaluationBackend, LocalOptions, batchSize);
                    heldOutLog.Add(new HeldOutLogRow(completedPasses, step, evaluation.Perplexity, evaluation.LogLikelihoodPerWord));
                    heldOutPerplexity = evaluation.Perplexity;
                    if (o.Passes is null && heldOutLog.Count >= 2)
                    {
                        double previous = heldOutLog[^2].LogLikelihoodPerWord, current = heldOutLog[^1].LogLikelihoodPerWord;
                        converged = (current - previous) / Math.Abs(previous) < o.AutoPassesThreshold;
                    }
                }
                Report(lastRho, null, heldOutPerplexity);
                checkpoint?.Invoke(Capture());
            }
            return new TrainingResult(Capture(), backend.Name, trainingDocuments, heldOutCount, corpus.TokenCount - heldOut.TokenCount);
        }
        finally
        {
            evaluationBackend?.Dispose();
        }
    }

    /// <summary>
    /// The final local step against <paramref name="result"/>'s λ for every document of <paramref name="corpus"/>
    /// (held-out ones too unless <paramref name="trainingOnly"/>), streamed one batch at a time so doc_topics can be
    /// written without holding the corpus. γ of an empty document is α.
    /// </summary>
    public IEnumerable<DocumentTopicsBatch> InferDocumentTopics(TrainingResult result, IBatchSource corpus, bool trainingOnly = false)
    {
        var state = result.State;
        if (corpus.VocabularySize != state.VocabularySize)
            throw new TopicEngineException($"the corpus has {corpus.VocabularySize} terms but the model {state.VocabularySize}: infer with the model's vocabulary.");
        int k = state.Topics;
        using var backend = _backendFactory(k);
        backend.SetLambda(state.Lambda, state.VocabularySize);
        IEnumerable<SparseBatch> batches = trainingOnly
            ? TrainingData.TrainingBatches(corpus, TrainingData.ChooseHeldOut(corpus.DocumentCount, Options.HoldoutFraction, Options.MaxHoldoutDocuments, Options.Seed), InferenceBatchSize, null)
            : corpus.ReadBatches(InferenceBatchSize);
        foreach (var batch in batches)
        {
            var gamma = new float[batch.DocumentCount * k];
            backend.LocalStep(batch, state.Alpha, LocalOptions, gamma, accumulateStatistics: false, computeBound: false);
            var tokens = new long[batch.DocumentCount];
            for (int d = 0; d < batch.DocumentCount; d++)
            {
                double sum = 0;
                foreach (var c in batch.DocumentCounts(d)) sum += c;
                tokens[d] = (long)Math.Round(sum);
            }
            yield return new DocumentTopicsBatch(batch.Keys, gamma, tokens, k);
        }
    }

    private static float[] CopyLambda(ILdaBackend backend)
    {
        var lambda = new float[(long)backend.VocabularySize * backend.Topics];
        backend.GetLambda(lambda);
        return lambda;
    }
}
