using ScottPlot;

namespace TopicEngine.Cli;

/// <summary>A model's training curve as a PNG: perplexity from the per-word bound on the mini-batches, and held-out
/// perplexity at the end of each pass, against documents seen.</summary>
internal static class TrainingCurveChart
{
    public static void Save(TrainingCurve curve, string path, string title, int width = 800, int height = 450)
    {
        var plot = new Plot();
        plot.Title(title, size: 14);
        plot.XLabel("documents seen");
        plot.YLabel("perplexity");
        var steps = curve.Steps.Where(s => double.IsFinite(s.Perplexity)).ToArray();
        if (steps.Length > 0)
        {
            var bound = plot.Add.Scatter(steps.Select(s => (double)s.DocumentsSeen).ToArray(), steps.Select(s => s.Perplexity).ToArray());
            bound.LegendText = "exp(−per-word bound), mini-batches";
            bound.Color = Colors.SteelBlue;
            bound.MarkerSize = 4;
        }
        var heldOut = curve.HeldOut.Where(h => double.IsFinite(h.Perplexity)).ToArray();
        if (heldOut.Length > 0)
        {
            var held = plot.Add.Scatter(heldOut.Select(h => (double)h.DocumentsSeen).ToArray(), heldOut.Select(h => h.Perplexity).ToArray());
            held.LegendText = "held-out perplexity (document completion)";
            held.Color = Colors.OrangeRed;
            held.LinePattern = LinePattern.Dashed;
            held.LineWidth = 2;
            held.MarkerSize = 7;
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, width, height);
    }
}
