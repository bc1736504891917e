using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Backends;

/// <summary>
/// The plain reference path: the <see cref="ILdaBackend"/> contract written as directly as the
/// formulas read, one document at a time, no SIMD, no threads, no caching tricks. Every fast
/// backend and every kernel is tested against it. Not for production use.
/// </summary>
internal sealed class ReferenceBackend : ILdaBackend
{
    private float[] _lambda = [];        // λ: V×K, term-major
    private float[] _expElogBeta = [];   // exp(ψ(λ_kw) − ψ(Σ_w λ_kw)): V×K, term-major
    private float[] _statistics = [];    // s: V×K, term-major
    private readonly object _statisticsLock = new();

    public ReferenceBackend(int topics)
    {
        if (topics <= 0) throw new ArgumentOutOfRangeException(nameof(topics));
        Topics = topics;
    }

    public string Name => "reference";
    public int Topics { get; }
    public int VocabularySize { get; private set; }

    public void SetLambda(ReadOnlySpan<float> lambda, int vocabularySize)
    {
        if (lambda.Length != vocabularySize * Topics) throw new ArgumentException("lambda must have V×K entries.", nameof(lambda));
        VocabularySize = vocabularySize;
        _lambda = lambda.ToArray();
        _statistics = new float[_lambda.Length];
        _expElogBeta = new float[_lambda.Length];
        RefreshExpElogBeta();
    }

    private void RefreshExpElogBeta()
    {
        int k = Topics;
        for (int t = 0; t < k; t++)
        {
            double rowSum = 0;
            for (int w = 0; w < VocabularySize; w++) rowSum += _lambda[w * k + t];
            double psiSum = SpecialFunctions.Digamma(rowSum);
            for (int w = 0; w < VocabularySize; w++)
                _expElogBeta[w * k + t] = (float)Math.Exp(SpecialFunctions.Digamma((double)_lambda[w * k + t]) - psiSum);
        }
    }

    public LocalStepResult LocalStep(SparseBatch batch, ReadOnlySpan<float> alpha, LocalStepOptions options,
        Span<float> gamma, bool accumulateStatistics, bool computeBound, ReadOnlySpan<float> initialGamma = default)
    {
        int k = Topics;
        if (alpha.Length != k) throw new ArgumentException("alpha must have K entries.", nameof(alpha));
        if (gamma.Length < batch.DocumentCount * k) throw new ArgumentException("gamma must hold DocumentCount×K.", nameof(gamma));
        bool warm = !initialGamma.IsEmpty;
        if (warm && initialGamma.Length < batch.DocumentCount * k) throw new ArgumentException("initialGamma must hold DocumentCount×K.", nameof(initialGamma));
        BatchTermIds.Check(batch, VocabularySize, "local step on reference");
        var elogTheta = new double[k];
        var expElogTheta = new double[k];
        var lastGamma = new double[k];
        var g = new double[k];
        double alphaSum = 0, lgammaAlphaSum = 0;
        for (int t = 0; t < k; t++) { alphaSum += alpha[t]; lgammaAlphaSum += SpecialFunctions.LogGamma((double)alpha[t]); }
        long iterations = 0;
        double bound = 0;
        float[]? localStats = accumulateStatistics ? new float[_statistics.Length] : null;

        for (int d = 0; d < batch.DocumentCount; d++)
        {
            var ids = batch.DocumentTerms(d);
            var cts = batch.DocumentCounts(d);
            // γ starts at 1, or at the given initial γ (warm start); an empty document gets α
            for (int t = 0; t < k; t++) g[t] = ids.Length == 0 ? alpha[t] : warm ? initialGamma[d * k + t] : 1.0;
            ExpectedLogTheta(g, elogTheta, expElogTheta);
            float tokens = 0;
            foreach (var c in cts) tokens += c;
            double changeScale = options.ChangeScale(k, tokens);
            for (int it = 0; it < options.MaxIterations && ids.Length > 0; it++)
            {
                iterations++;
                Array.Copy(g, lastGamma, k);
                for (int t = 0; t < k; t++) g[t] = 0;
                for (int i = 0; i < ids.Length; i++)
                {
                    int row = ids[i] * k;
                    double phiNorm = LdaMath.PhiNormFloor;
                    for (int t = 0; t < k; t++) phiNorm += expElogTheta[t] * _expElogBeta[row + t];
                    double ratio = cts[i] / phiNorm;
                    for (int t = 0; t < k; t++) g[t] += ratio * _expElogBeta[row + t];
                }
                double change = 0;
                for (int t = 0; t < k; t++)
                {
                    double plain = alpha[t] + expElogTheta[t] * g[t];
                    change += Math.Abs(plain - lastGamma[t]);
                    g[t] = LdaMath.RelaxedGamma(lastGamma[t], plain, alpha[t], options.Relaxation, it + 1);
                }
                ExpectedLogTheta(g, elogTheta, expElogTheta);
                if (change / changeScale < options.Tolerance) break;
            }

            for (int t = 0; t < k; t++) gamma[d * k + t] = (float)g[t];
            if (localStats is not null || computeBound)
            {
                for (int i = 0; i < ids.Length; i++)
                {
                    int row = ids[i] * k;
                    double phiNorm = LdaMath.PhiNormFloor;
                    for (int t = 0; t < k; t++) phiNorm += expElogTheta[t] * _expElogBeta[row + t];
                    if (computeBound) bound += cts[i] * Math.Log(phiNorm);
                    if (localStats is not null)
                        for (int t = 0; t < k; t++)
                            localStats[row + t] += (float)(cts[i] * expElogTheta[t] * _expElogBeta[row + t] / phiNorm);
                }
            }
            if (computeBound)
            {
                double gammaSum = 0;
                for (int t = 0; t < k; t++)
                {
                    gammaSum += g[t];
                    bound += (alpha[t] - g[t]) * elogTheta[t] + SpecialFunctions.LogGamma(g[t]);
                }
                bound += -lgammaAlphaSum + SpecialFunctions.LogGamma(alphaSum) - SpecialFunctions.LogGamma(gammaSum);
            }
        }
        if (localStats is not null)
            lock (_statisticsLock)
                for (int i = 0; i < localStats.Length; i++) _statistics[i] += localStats[i];
        return new LocalStepResult(batch.DocumentCount, batch.TokenCount, iterations, computeBound ? bound : double.NaN);
    }

    /// <summary>Elogθ = ψ(γ) − ψ(Σγ) and its exponential.</summary>
    private static void ExpectedLogTheta(double[] gamma, double[] elogTheta, double[] expElogTheta)
    {
        double sum = 0;
        foreach (var v in gamma) sum += v;
        double psiSum = SpecialFunctions.Digamma(sum);
        for (int t = 0; t < gamma.Length; t++)
        {
            elogTheta[t] = SpecialFunctions.Digamma(gamma[t]) - psiSum;
            expElogTheta[t] = Math.Exp(elogTheta[t]);
        }
    }

    public void GlobalStep(float rho, float eta, float scale)
    {
        for (int i = 0; i < _lambda.Length; i++)
            _lambda[i] = (1 - rho) * _lambda[i] + rho * (eta + scale * _statistics[i]);
        Array.Clear(_statistics);
        RefreshExpElogBeta();
    }

    public void GetLambda(Span<float> lambda) => _lambda.CopyTo(lambda);

    public double TopicWordBound(float eta) => LdaMath.TopicWordBound(_lambda, VocabularySize, Topics, eta, threads: 1);

    public double SumElogBeta() => DirichletPriors.SumElogBeta(_lambda, VocabularySize, Topics, threads: 1);

    public double CompletionLogLikelihood(SparseBatch scored, ReadOnlySpan<float> gamma) =>
        LdaMath.CompletionLogLikelihood(_lambda, VocabularySize, Topics, scored, gamma);

    public void Dispose() { }
}
