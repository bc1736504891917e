using System.Globalization;
using Spectre.Console;
using TopicEngine.Inference;

namespace TopicEngine.Cli;

/// <summary>
/// Shows a fit's progress: a live Spectre.Console bar (pass, docs/s, tokens/s, ELBO, ETA) on a
/// terminal; plain log lines on stderr otherwise (every 10 s and at the end of every pass).
/// </summary>
internal static class TrainingProgressView
{
    public static async Task<T> RunAsync<T>(string title, Func<IProgress<TrainingProgress>, Task<T>> work)
    {
        if (!Terminal.IsInteractive)
        {
            var lastLine = DateTime.MinValue;
            int lastPass = 1;
            var progress = new Progress<TrainingProgress>(p =>
            {
                bool passEnded = p.HeldOutPerplexity is not null || p.RevivedTopics > 0 || p.Pass != lastPass;
                lastPass = p.Pass;
                if (!passEnded && DateTime.UtcNow - lastLine < TimeSpan.FromSeconds(10)) return;
                lastLine = DateTime.UtcNow;
                Console.Error.WriteLine(Describe(p));
            });
            return await work(progress);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: 1);
                var progress = new Progress<TrainingProgress>(p =>
                {
                    if (p.BatchesPerPass > 0) task.MaxValue = Math.Max(task.MaxValue, p.BatchesPerPass * (double)p.Pass);
                    task.Value = (p.Pass - 1) * (double)p.BatchesPerPass + p.BatchInPass;
                    task.Description = Markup.Escape(Describe(p));
                    if (p.HeldOutPerplexity is not null || p.RevivedTopics > 0) AnsiConsole.MarkupLine(Markup.Escape(Describe(p)));
                });
                result = await work(progress);
                task.Value = task.MaxValue;
            });
        return result;
    }

    public static string Describe(TrainingProgress p)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"pass {p.Pass}, batch {p.BatchInPass}/{p.BatchesPerPass}, {p.DocumentsPerSecond:N0} docs/s, {p.TokensPerSecond:N0} tokens/s, ρ {p.Rho:F4}");
        if (p.ElboPerWord is { } elbo) line += string.Create(CultureInfo.InvariantCulture, $", ELBO/word {elbo:F3} (perplexity {p.Perplexity:F1})");
        if (p.HeldOutPerplexity is { } heldOut) line += string.Create(CultureInfo.InvariantCulture, $", held-out perplexity {heldOut:F1}");
        if (p.RevivedTopics > 0) line += string.Create(CultureInfo.InvariantCulture, $", revived {p.RevivedTopics} starved topic{(p.RevivedTopics == 1 ? "" : "s")}");
        if (p.EstimatedRemaining is { } eta && p.HeldOutPerplexity is null) line += $", ETA {eta:hh\\:mm\\:ss}";
        return line;
    }
}
