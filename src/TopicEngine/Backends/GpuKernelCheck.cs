using ILGPU.Runtime;
using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

/// <summary>How one kernel's output compared with <see cref="ReferenceBackend"/>.
/// The relative difference of an element is |gpu − ref| / max(|ref|, 10⁻³·max|ref|), so entries
/// that are exactly or nearly zero do not dominate.</summary>
internal sealed record KernelCheckResult(string Kernel, double MaxAbsoluteDifference, double MaxRelativeDifference, bool Passed);

/// <summary>
/// Runs every kernel of <see cref="GpuBackend"/> on one accelerator against <see cref="ReferenceBackend"/>
/// on a generated batch (with an empty document, a one-token document and longer ones) and reports the
/// largest differences. Used by <c>topic-engine devices --check</c> and by the kernel tests.
/// </summary>
internal static class GpuKernelCheck
{
    /// <summary>The relative difference a kernel may show and still pass.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Long local-step settings of the check: exactly 200 iterations (tolerance 0). They give the settled γ that the
    /// per-kernel comparisons start from, and the GPU's own long run, which is judged by its residual under the reference's
    /// step, not element by element: from the symmetric start (γ = 1, α = 1/K) float rounding grows along the path, and 200
    /// iterations are not enough to reach the fixed point for every shape. The first H200 run (benchmarks/RESULTS.md §14c)
    /// showed it: 200 iterations left the double reference's own γ with a one-step residual of 1.2e-3 at K = 17 and 0.5 at
    /// K = 1,000, and the CPU backend's float γ was 1.5e-3 and 7e-2 off the reference there, as far as the GPU's.</summary>
    public static LocalStepOptions Options { get; } = new(MaxIterations: 200, Tolerance: 0f);

    /// <summary>One E-step iteration (tolerance 0): γ after it depends on every token of every tile of the document once,
    /// before any growth of rounding, so it agrees with the reference to float rounding (about 1e-6) unless a kernel is wrong.</summary>
    public static LocalStepOptions OneIteration { get; } = new(MaxIterations: 1, Tolerance: 0f);

    /// <summary>Compares the nine kernels (grouped as the backend launches them) on
    /// <paramref name="accelerator"/> for K = <paramref name="topics"/>, the bound document by document as well as summed;
    /// with <paramref name="chunkDocuments"/> below <paramref name="documents"/>, also a backend that takes the batch in
    /// chunks of that many documents (the two-slot pipeline), whose γ and statistics must equal one chunk's bit for bit.
    /// Generated documents have at most <paramref name="documentTerms"/> distinct terms. Both backends run with the performance
    /// <paramref name="levers"/> (null: those <see cref="GpuLevers.EnvironmentVariable"/> names).</summary>
    public static IReadOnlyList<KernelCheckResult> Run(Accelerator accelerator, int topics, int vocabulary, int documents, int seed,
        int documentTerms = DefaultDocumentTerms, int chunkDocuments = 0, GpuLevers? levers = null)
    {
        var (lambda, alpha, batch) = GenerateInputs(seed, vocabulary, topics, documents, documentTerms);
        var results = new List<KernelCheckResult>();

        using var gpu = new GpuBackend(accelerator, topics, levers: levers);
        var reference = new ReferenceBackend(topics);
        gpu.SetLambda(lambda, vocabulary);
        reference.SetLambda(lambda, vocabulary);
        var gpuExpElogBeta = new float[lambda.Length];
        gpu.GetExpElogBeta(gpuExpElogBeta);
        results.Add(Compare("BlendAndPartialRowSums+DigammaOfRowSums+ExpElogBeta (SetLambda)", gpuExpElogBeta, ExpElogBeta(lambda, vocabulary, topics)));

        var gpuGamma = new float[documents * topics];
        var referenceGamma = new float[documents * topics];
        new LocalStepRunner(gpu, OneIteration).Step(batch, alpha, gpuGamma, new LocalStepRequest(AccumulateStatistics: false, ComputeBound: false));
        new LocalStepRunner(reference, OneIteration).Step(batch, alpha, referenceGamma, new LocalStepRequest(AccumulateStatistics: false, ComputeBound: false));
        results.Add(Compare("EStep (γ after 1 iteration)", gpuGamma, referenceGamma));
        // The settled γ: the reference's long run. The GPU's own long run must be as near a fixed point of the reference's
        // step as the reference's is (a kernel that computes a different step settles elsewhere).
        var settled = new float[documents * topics];
        new LocalStepRunner(reference, Options).Step(batch, alpha, settled, LocalStepRequest.GammaOnly);
        var gpuLong = new float[documents * topics];
        new LocalStepRunner(gpu, Options).Step(batch, alpha, gpuLong, LocalStepRequest.GammaOnly);
        results.Add(FixedPointResidual(reference, batch, alpha, gpuLong, settled));

        // Every other local-step comparison takes one iteration from the settled γ on both backends, so that it compares the
        // kernels' arithmetic at a realistic γ and not the growth of rounding along a path.
        referenceGamma = new float[documents * topics];
        var oneStep = new LocalStepRequest(AccumulateStatistics: true, ComputeBound: true);
        var gpuResult = new LocalStepRunner(gpu, OneIteration).Step(batch, alpha, gpuGamma, oneStep, settled);
        var referenceResult = new LocalStepRunner(reference, OneIteration).Step(batch, alpha, referenceGamma, oneStep, settled);
        results.Add(Compare("EStep (γ, one iteration from the settled γ)", gpuGamma, referenceGamma));
        results.Add(Compare("DocumentBound (sum over the batch)", [gpuResult.DocumentBound], [referenceResult.DocumentBound]));
        results.Add(Compare("DocumentBound (each document)", DocumentBounds(gpu, batch, alpha, topics, settled),
            DocumentBounds(reference, batch, alpha, topics, settled)));

        var gpuStatistics = new float[lambda.Length];
        gpu.GetStatistics(gpuStatistics);
        if (chunkDocuments > 0 && chunkDocuments < documents)
        {
            using var chunked = new GpuBackend(accelerator, topics, chunkDocuments, levers);
            chunked.SetLambda(lambda, vocabulary);
            var chunkedGamma = new float[documents * topics];
            new LocalStepRunner(chunked, OneIteration).Step(batch, alpha, chunkedGamma, oneStep, settled);
            var chunkedStatistics = new float[lambda.Length];
            chunked.GetStatistics(chunkedStatistics);
            results.Add(Identical($"EStep (γ), chunks of {chunkDocuments} vs one chunk", chunkedGamma, gpuGamma));
            results.Add(Identical($"Statistics, chunks of {chunkDocuments} vs one chunk", chunkedStatistics, gpuStatistics));
            var chunkedLong = new float[documents * topics];
            new LocalStepRunner(chunked, Options).Step(batch, alpha, chunkedLong, LocalStepRequest.GammaOnly);
            results.Add(Identical($"EStep (γ, {Options.MaxIterations} iterations), chunks of {chunkDocuments} vs one chunk", chunkedLong, gpuLong));
        }
        var statisticsProbe = new ReferenceBackend(topics);
        statisticsProbe.SetLambda(lambda, vocabulary);
        new LocalStepRunner(statisticsProbe, OneIteration).Step(batch, alpha, new float[documents * topics],
            new LocalStepRequest(AccumulateStatistics: true, ComputeBound: false), settled);
        statisticsProbe.GlobalStep(rho: 1f, eta: 0f, scale: 1f);   // λ ← s exactly
        var referenceStatistics = new float[lambda.Length];
        statisticsProbe.GetLambda(referenceStatistics);
        results.Add(Compare("Statistics", gpuStatistics, referenceStatistics));

        // λ is still the loaded one on both backends; the batch scored against the reference γ.
        const float boundEta = 0.05f;
        results.Add(Compare("TopicWordBoundPartials (β bound)", [gpu.TopicWordBound(boundEta)], [reference.TopicWordBound(boundEta)]));
        results.Add(Compare("DigammaPartials (Σ Elogβ)", [gpu.SumElogBeta()], [reference.SumElogBeta()]));
        results.Add(Compare("CompletionLogLikelihood", [gpu.CompletionLogLikelihood(batch, referenceGamma)],
            [reference.CompletionLogLikelihood(batch, referenceGamma)]));

        const float rho = 0.7f, eta = 0.05f, scale = 3.5f;
        gpu.GlobalStep(rho, eta, scale);
        reference.GlobalStep(rho, eta, scale);
        var gpuLambda = new float[lambda.Length];
        var referenceLambda = new float[lambda.Length];
        gpu.GetLambda(gpuLambda);
        reference.GetLambda(referenceLambda);
        results.Add(Compare("BlendAndPartialRowSums (λ)", gpuLambda, referenceLambda));
        gpu.GetExpElogBeta(gpuExpElogBeta);
        results.Add(Compare("DigammaOfRowSums+ExpElogBeta (GlobalStep)", gpuExpElogBeta, ExpElogBeta(referenceLambda, vocabulary, topics)));
        return results;
    }

    /// <summary>Most distinct terms of a generated document unless asked otherwise.</summary>
    public const int DefaultDocumentTerms = 12;

    /// <summary>The bound of each document alone (one iteration of a one-document batch from its row of
    /// <paramref name="initialGamma"/>; documents are independent).</summary>
    private static double[] DocumentBounds(ILdaBackend backend, SparseBatch batch, float[] alpha, int topics, float[] initialGamma)
    {
        var bounds = new double[batch.DocumentCount];
        var gamma = new float[topics];
        var runner = new LocalStepRunner(backend, OneIteration);
        for (int d = 0; d < bounds.Length; d++)
        {
            int start = batch.DocumentOffsets[d], length = batch.DocumentOffsets[d + 1] - start;
            var one = new SparseBatch([batch.Keys[d]], [0, length], batch.TermIds.AsSpan(start, length).ToArray(), batch.Counts.AsSpan(start, length).ToArray());
            bounds[d] = runner.Step(one, alpha, gamma, new LocalStepRequest(AccumulateStatistics: false, ComputeBound: true),
                initialGamma.AsSpan(d * topics, topics)).DocumentBound;
        }
        return bounds;
    }

    /// <summary>How far one step of <paramref name="reference"/> moves the GPU's long-run γ, against how far it moves its own
    /// (<paramref name="settled"/>): passes when the GPU's residual is at most twice the reference's plus <see cref="Tolerance"/>.
    /// Reports the GPU's residual.</summary>
    internal static KernelCheckResult FixedPointResidual(ReferenceBackend reference, SparseBatch batch, float[] alpha,
        float[] gpuGamma, float[] settled)
    {
        var runner = new LocalStepRunner(reference, OneIteration);
        var stepped = new float[gpuGamma.Length];
        runner.Step(batch, alpha, stepped, LocalStepRequest.GammaOnly, gpuGamma);
        var gpuResidual = Compare("", stepped, gpuGamma);
        runner.Step(batch, alpha, stepped, LocalStepRequest.GammaOnly, settled);
        var referenceResidual = Compare("", stepped, settled);
        bool passed = gpuResidual.Passed || gpuResidual.MaxRelativeDifference <= 2 * referenceResidual.MaxRelativeDifference + Tolerance;
        return new KernelCheckResult(
            $"EStep ({Options.MaxIterations} iterations: residual under one reference step; the reference's own {referenceResidual.MaxRelativeDifference:0.0e+00})",
            gpuResidual.MaxAbsoluteDifference, gpuResidual.MaxRelativeDifference, passed);
    }

    /// <summary>Passes only when <paramref name="actual"/> equals <paramref name="expected"/> bit for bit.</summary>
    public static KernelCheckResult Identical(string kernel, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        var compared = Compare(kernel, actual, expected);
        bool identical = actual.Length == expected.Length;
        for (int i = 0; identical && i < actual.Length; i++)
            identical = BitConverter.SingleToInt32Bits(actual[i]) == BitConverter.SingleToInt32Bits(expected[i]);
        return compared with { Passed = identical };
    }

    /// <summary>The check's inputs from <paramref name="seed"/>: λ (<see cref="GenerateLambda"/>), α = 1/K and a batch
    /// (<see cref="GenerateBatch"/>).</summary>
    public static (float[] Lambda, float[] Alpha, SparseBatch Batch) GenerateInputs(int seed, int vocabulary, int topics, int documents,
        int documentTerms = DefaultDocumentTerms)
    {
        var random = new Random(seed);
        float[] lambda = GenerateLambda(random, vocabulary, topics);
        float[] alpha = Enumerable.Repeat(1f / topics, topics).ToArray();
        return (lambda, alpha, GenerateBatch(random, vocabulary, documents, documentTerms));
    }

    /// <summary>λ drawn uniformly from [0.05, 3.05): V×K, term-major.</summary>
    public static float[] GenerateLambda(Random random, int vocabulary, int topics)
    {
        var lambda = new float[vocabulary * topics];
        for (int i = 0; i < lambda.Length; i++) lambda[i] = 0.05f + 3f * random.NextSingle();
        return lambda;
    }

    /// <summary>A batch whose document 0 is empty, document 1 has one token, and the others have
    /// 2 … min(V, <paramref name="documentTerms"/>) distinct terms with counts 1 … 4.</summary>
    public static SparseBatch GenerateBatch(Random random, int vocabulary, int documents, int documentTerms = DefaultDocumentTerms)
    {
        var offsets = new List<int> { 0 };
        var terms = new List<int>();
        var counts = new List<float>();
        for (int d = 0; d < documents; d++)
        {
            int length = d switch { 0 => 0, 1 => 1, _ => random.Next(2, Math.Min(vocabulary, Math.Max(2, documentTerms)) + 1) };
            foreach (int term in Enumerable.Range(0, vocabulary).OrderBy(_ => random.Next()).Take(length))
            {
                terms.Add(term);
                counts.Add(random.Next(1, 5));
            }
            offsets.Add(terms.Count);
        }
        var keys = Enumerable.Range(0, documents).Select(d => $"generated-{d}").ToArray();
        return new SparseBatch(keys, offsets.ToArray(), terms.ToArray(), counts.ToArray());
    }

    /// <summary>exp(ψ(λ_wk) − ψ(Σ_w λ_wk)) in double, as <see cref="ReferenceBackend"/> computes it.</summary>
    public static float[] ExpElogBeta(ReadOnlySpan<float> lambda, int vocabulary, int topics)
    {
        var result = new float[lambda.Length];
        for (int k = 0; k < topics; k++)
        {
            double rowSum = 0;
            for (int w = 0; w < vocabulary; w++) rowSum += lambda[w * topics + k];
            double psiSum = SpecialFunctions.Digamma(rowSum);
            for (int w = 0; w < vocabulary; w++)
                result[w * topics + k] = (float)Math.Exp(SpecialFunctions.Digamma((double)lambda[w * topics + k]) - psiSum);
        }
        return result;
    }

    /// <summary>Largest absolute and relative differences of <paramref name="actual"/> from <paramref name="expected"/>.</summary>
    public static KernelCheckResult Compare(string kernel, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double[] a = new double[actual.Length], e = new double[expected.Length];
        for (int i = 0; i < a.Length; i++) a[i] = actual[i];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        return Compare(kernel, a, e);
    }

    /// <inheritdoc cref="Compare(string, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static KernelCheckResult Compare(string kernel, ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length) throw new ArgumentException("Lengths differ.", nameof(actual));
        double scale = 0;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        double floor = Math.Max(1e-3 * scale, double.Epsilon);
        double maxAbs = 0, maxRel = 0;
        bool finite = true;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!double.IsFinite(actual[i])) finite = false;
            double diff = Math.Abs(actual[i] - expected[i]);
            maxAbs = Math.Max(maxAbs, diff);
            maxRel = Math.Max(maxRel, diff / Math.Max(Math.Abs(expected[i]), floor));
        }
        bool passed = finite && maxRel <= Tolerance;
        return new KernelCheckResult(kernel, finite ? maxAbs : double.NaN, finite ? maxRel : double.NaN, passed);
    }
}
