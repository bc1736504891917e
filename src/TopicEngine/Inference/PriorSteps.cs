namespace TopicEngine.Inference;

/// <summary>
/// The Newton steps of the priors under <c>--alpha auto</c> / <c>--eta auto</c> (Hoffman et al. 2010; gensim's
/// <c>update_alpha</c>, <c>update_eta</c>), blended with the step's ρ:
/// α from the mean Elogθ = ψ(γ) − ψ(Σγ) of the step's documents, before the global step;
/// η from Σ_kw Elogβ_kw of the updated λ (<see cref="ILdaBackend.SumElogBeta"/>), after it.
/// </summary>
internal sealed class PriorSteps : ITrainingObserver
{
    private double[] _sumElogTheta = [];   // Σ_d Elogθ_d over the step's documents (K)
    private double[] _elogTheta = [];

    public void OnLocalStep(TrainingRun run, in LocalStepOutput output)
    {
        if (run.Options.Alpha.Kind != PriorKind.Auto) return;
        int k = run.Topics;
        if (_sumElogTheta.Length != k) { _sumElogTheta = new double[k]; _elogTheta = new double[k]; }
        var gamma = output.Gamma.Span;
        for (int d = 0; d < output.Batch.DocumentCount; d++)
        {
            LdaMath.DirichletExpectation(gamma.Slice(d * k, k), _elogTheta);
            for (int t = 0; t < k; t++) _sumElogTheta[t] += _elogTheta[t];
        }
    }

    public void BeforeGlobalStep(TrainingRun run, in GlobalStepInfo step)
    {
        if (run.Options.Alpha.Kind != PriorKind.Auto) return;
        if (step.Documents > 0)
        {
            for (int t = 0; t < _sumElogTheta.Length; t++) _sumElogTheta[t] /= step.Documents;
            DirichletPriors.UpdateAlpha(run.Alpha, _sumElogTheta, step.Documents, step.Rho);
        }
        Array.Clear(_sumElogTheta);
    }

    public void AfterGlobalStep(TrainingRun run, in GlobalStepInfo step)
    {
        if (run.Options.Eta.Kind != PriorKind.Auto) return;
        run.Eta = DirichletPriors.UpdateEta(run.Eta, run.Backend.SumElogBeta(), run.Topics, run.VocabularySize, step.Rho);
    }
}
