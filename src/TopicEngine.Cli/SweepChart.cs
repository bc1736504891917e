using ScottPlot;

namespace TopicEngine.Cli;

/// <summary>sweep.png: one panel per score against K (every metric of <see cref="SweepMetric.All"/>, then stability), each
/// seed's fit as a dot and the mean over seeds as a line; the recommended K marked by a vertical line.</summary>
internal static class SweepChart
{
    public static void Save(SweepResult result, string path, int width = 900, int height = 600)
    {
        var panels = new List<(string Label, Func<SweepFit, double> Fit, Func<SweepSummary, double> Mean)>();
        foreach (var metric in SweepMetric.All)
            panels.Add((metric.Label + (metric.HigherIsBetter ? " (higher is better)" : " (lower is better)"), f => f.Value(metric), s => s.Mean(metric)));
        panels.Add(("stability across seeds (higher is better)", f => f.Stability, s => s.Stability));

        var multiplot = new Multiplot();   // starts with one plot
        while (multiplot.Subplots.Count < panels.Count) multiplot.AddPlot(new Plot());
        int panel = 0;
        double[] ks = [.. result.Summaries.Select(s => (double)s.Topics)];
        foreach (var (label, fit, mean) in panels)
        {
            var plot = multiplot.Subplots.GetPlot(panel++);
            plot.Title(label, size: 13);
            plot.XLabel("K (topics)", size: 12);
            var dots = result.Fits.Where(f => double.IsFinite(fit(f))).ToArray();
            if (dots.Length > 0)
            {
                var scatter = plot.Add.ScatterPoints(dots.Select(f => (double)f.Topics).ToArray(), dots.Select(fit).ToArray());
                scatter.MarkerSize = 6;
                scatter.Color = Colors.Gray.WithAlpha(0.7);
            }
            var means = result.Summaries.Where(s => double.IsFinite(mean(s))).ToArray();
            if (means.Length > 0)
            {
                var line = plot.Add.Scatter(means.Select(s => (double)s.Topics).ToArray(), means.Select(mean).ToArray());
                line.LineWidth = 2;
                line.MarkerSize = 8;
                line.Color = Colors.SteelBlue;
            }
            var marker = plot.Add.VerticalLine(result.RecommendedTopics);
            marker.Color = Colors.OrangeRed.WithAlpha(0.6);
            marker.LinePattern = LinePattern.Dashed;
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ks, [.. ks.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid((panels.Count + 1) / 2, 2);
        multiplot.SavePng(path, width, height);
    }
}
