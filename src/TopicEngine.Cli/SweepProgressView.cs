using System.Globalization;
using Spectre.Console;

namespace TopicEngine.Cli;

/// <summary>
/// One progress bar across all the fits of a sweep (finished fits plus the running fit's share of its passes) on a
/// terminal; plain log lines on stderr otherwise (each fit's start and end, and every 10 s).
/// </summary>
internal static class SweepProgressView
{
    public static async Task<T> RunAsync<T>(int passes, Func<IProgress<SweepProgress>, Task<T>> work)
    {
        if (!Terminal.IsInteractive)
        {
            var last = DateTime.MinValue;
            string lastStage = "";
            var progress = new Progress<SweepProgress>(p =>
            {
                string stage = $"{p.Fit}:{p.Stage}";
                bool changed = stage != lastStage;
                lastStage = stage;
                if (!changed && DateTime.UtcNow - last < TimeSpan.FromSeconds(10)) return;
                last = DateTime.UtcNow;
                Console.Error.WriteLine(Describe(p, passes));
            });
            return await work(progress);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("sweep", maxValue: 1);
                var progress = new Progress<SweepProgress>(p =>
                {
                    task.Value = Math.Max(task.Value, p.Fraction(passes));
                    task.Description = Markup.Escape(Describe(p, passes));
                });
                result = await work(progress);
                task.Value = 1;
            });
        return result;
    }

    private static string Describe(SweepProgress p, int passes)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"fit {p.Fit + 1}/{p.Fits} (K={p.Topics}, seed {p.Seed}): {p.Stage}");
        if (p.Training is { } t)
            line += string.Create(CultureInfo.InvariantCulture, $", pass {t.Pass}/{passes}, batch {t.BatchInPass}/{t.BatchesPerPass}, {t.TokensPerSecond:N0} tokens/s");
        return line + string.Create(CultureInfo.InvariantCulture, $" [{p.Fraction(passes):P0} of the sweep]");
    }
}
