namespace TopicEngine.Inference;

/// <summary>
/// One global step as the schedule (<see cref="SviTrainer"/>) takes it: λ ← (1 − ρ) λ + ρ (η + scale · s).
/// </summary>
/// <param name="Rho">ρ_t = (τ0 + t)^(−κ) online, 1 in batch mode.</param>
/// <param name="Scale">D/|B| online, 1 in batch mode.</param>
/// <param name="Documents">Documents whose statistics s holds (|B|, or the pass in batch mode).</param>
/// <param name="Tokens">Their tokens.</param>
/// <param name="DocumentBound">The document part of the bound over those documents, or NaN when it was not computed.</param>
/// <param name="LastOfPass">True for the pass's last global step.</param>
internal readonly record struct GlobalStepInfo(double Rho, double Scale, long Documents, long Tokens, double DocumentBound, bool LastOfPass);

/// <summary>
/// A policy or observer of the training loop: everything <see cref="SviTrainer"/> does besides the schedule (ELBO
/// logging, α/η steps, held-out evaluation, <c>--passes auto</c>, progress, checkpoints, timing) plugs in here.
/// The loop calls every observer at each point in the order they were given. All methods default to doing nothing.
/// <para>Per mini-batch (online): <see cref="WantsBound"/> → local step → <see cref="OnLocalStep"/> →
/// <see cref="BeforeGlobalStep"/> → global step → <see cref="AfterGlobalStep"/> → t ← t + 1 → <see cref="AfterStep"/>.
/// Batch mode runs the local step (and <see cref="OnLocalStep"/>) for every batch of the pass, then one global step
/// with the same hooks. After every pass: <see cref="AfterPass"/>.</para>
/// </summary>
internal interface ITrainingObserver
{
    /// <summary>True when the coming local step should compute the document part of the bound.</summary>
    bool WantsBound(TrainingRun run, bool lastOfPass) => false;

    /// <summary>After the local step of one batch (γ in <paramref name="output"/>), before any global step.</summary>
    void OnLocalStep(TrainingRun run, in LocalStepOutput output) { }

    /// <summary>Before the global step: λ is still the one the local steps used.</summary>
    void BeforeGlobalStep(TrainingRun run, in GlobalStepInfo step) { }

    /// <summary>After the global step, before the step counter t moves on.</summary>
    void AfterGlobalStep(TrainingRun run, in GlobalStepInfo step) { }

    /// <summary>After t and the document counters moved on.</summary>
    void AfterStep(TrainingRun run, in GlobalStepInfo step) { }

    /// <summary>After a pass (the completed-pass counter already counts it).</summary>
    void AfterPass(TrainingRun run) { }
}
