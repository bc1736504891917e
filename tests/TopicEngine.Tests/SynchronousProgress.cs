using TopicEngine.Inference;

namespace TopicEngine.Tests;

/// <summary>An <see cref="IProgress{T}"/> that reports on the trainer's thread, at once (<see cref="Progress{T}"/> posts
/// to the thread pool, so a test could read its list before the last report arrives).</summary>
internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
