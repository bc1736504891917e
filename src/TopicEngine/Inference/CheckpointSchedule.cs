namespace TopicEngine.Inference;

/// <summary>
/// Hands a <see cref="TrainerState"/> (λ copied off the backend) to <paramref name="checkpoint"/> every
/// <see cref="TrainingOptions.CheckpointEvery"/> global steps inside a pass and at the end of every pass.
/// </summary>
internal sealed class CheckpointSchedule(Action<TrainerState> checkpoint) : ITrainingObserver
{
    public void AfterStep(TrainingRun run, in GlobalStepInfo step)
    {
        int every = run.Options.CheckpointEvery;
        if (run.Options.Mode == TrainingMode.Online && every > 0 && run.Step % every == 0 && !step.LastOfPass)
            checkpoint(run.Capture());
    }

    public void AfterPass(TrainingRun run) => checkpoint(run.Capture());
}
