using System.Globalization;

namespace TopicEngine;

/// <summary>
/// The sweep's choice of K (<see cref="TopicSweep.RecommendationRule"/>). Held-out perplexity alone keeps falling (or
/// flattens) as K grows and rewards splitting topics into near-duplicates; coherence (NPMI) says whether a person can
/// read the topics, and stability whether another seed would give the same ones. So: keep the Ks within tolerance of the
/// best stability and the best NPMI, then take the best held-out perplexity among them. When no K is within both, the
/// NPMI condition alone selects the candidates (stated in the reason).
/// </summary>
internal static class SweepRecommendation
{
    public static (int Topics, string Reason) Choose(IReadOnlyList<SweepSummary> summaries, double stabilityTolerance, double npmiTolerance)
    {
        var perplexity = SweepMetric.Perplexity;
        var npmi = SweepMetric.Npmi;
        bool hasStability = summaries.Any(s => !double.IsNaN(s.Stability));
        double bestStability = hasStability ? summaries.Where(s => !double.IsNaN(s.Stability)).Max(s => s.Stability) : double.NaN;
        double bestNpmi = summaries.Max(s => s.Mean(npmi));
        bool StableEnough(SweepSummary s) => !hasStability || s.Stability >= bestStability - stabilityTolerance;
        bool CoherentEnough(SweepSummary s) => s.Mean(npmi) >= bestNpmi - npmiTolerance;

        var candidates = summaries.Where(s => StableEnough(s) && CoherentEnough(s)).ToList();
        string condition = hasStability
            ? F($"stability within {stabilityTolerance:0.###} of the best ({bestStability:F3}) and NPMI within {npmiTolerance:0.###} of the best ({bestNpmi:F3})")
            : F($"NPMI within {npmiTolerance:0.###} of the best ({bestNpmi:F3}); one seed per K, so no stability");
        if (candidates.Count == 0)
        {
            candidates = summaries.Where(CoherentEnough).ToList();
            condition = F($"NPMI within {npmiTolerance:0.###} of the best ({bestNpmi:F3}) (no K was also within {stabilityTolerance:0.###} of the best stability {bestStability:F3})");
        }
        var chosen = candidates.OrderBy(s => s.Mean(perplexity)).ThenBy(s => s.Topics).First();
        var excluded = summaries.Where(s => !candidates.Contains(s)).Select(s =>
            F($"K={s.Topics} (stability {s.Stability:F3}, NPMI {s.Mean(npmi):F3})")).ToList();
        string reason = F($"K={chosen.Topics}: the lowest mean held-out perplexity ({chosen.Mean(perplexity):F1}) among the Ks with {condition}: ")
            + string.Join(", ", candidates.Select(s => s.Topics)) + "."
            + (excluded.Count > 0 ? " Left out: " + string.Join(", ", excluded) + "." : "");
        return (chosen.Topics, reason);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
