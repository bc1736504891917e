using System.Collections.ObjectModel;
using TopicEngine.Inference;

namespace TopicEngine;

/// <summary>
/// The topic mixture of one document, as <see cref="TopicModel.Infer(string)"/> returns it: the same
/// values a row of <c>doc_topics.parquet</c> holds. Immutable.
/// <para>θ is uncertain: under the variational posterior q(θ) = Dirichlet(γ), each share θ_k follows
/// Beta(γ_k, Σγ − γ_k). <see cref="ThetaLower"/> and <see cref="ThetaUpper"/> bound an equal-tailed credible interval
/// holding <see cref="CredibleLevel"/> of that mass (90% by default); <see cref="CredibleInterval"/> gives any other level.
/// An interval is wide when Σγ is small — a short document, few known words — or when the document's words are split
/// between topics; it is narrow when many words point to the same topic.</para>
/// </summary>
public sealed class TopicMixture
{
    internal TopicMixture(float[] gamma, long tokenCount, long unknownTokens, double credibleLevel = BetaDistribution.DefaultCredibleLevel)
    {
        int invalid = LdaMath.FirstInvalidGamma(gamma);
        if (invalid >= 0) throw new TopicEngineException($"inference produced gamma[{invalid}] = {gamma[invalid]}; γ must be finite and positive");
        var theta = new float[gamma.Length];
        Entropy = LdaMath.TopicProportions(gamma, theta, out int dominant);
        DominantTopic = dominant;
        DominantProbability = theta[dominant];
        Theta = new ReadOnlyCollection<float>(theta);
        Gamma = new ReadOnlyCollection<float>(gamma);
        TokenCount = tokenCount;
        UnknownTokens = unknownTokens;
        var lower = new float[gamma.Length];
        var upper = new float[gamma.Length];
        BetaDistribution.ThetaIntervals(gamma, credibleLevel, lower, upper);
        CredibleLevel = credibleLevel;
        ThetaLower = new ReadOnlyCollection<float>(lower);
        ThetaUpper = new ReadOnlyCollection<float>(upper);
    }

    /// <summary>The posterior mass the intervals <see cref="ThetaLower"/>..<see cref="ThetaUpper"/> hold
    /// (<see cref="InferenceOptions.CredibleLevel"/>; 0.9 by default).</summary>
    public double CredibleLevel { get; }

    /// <summary>The lower end of each topic share's credible interval: the (1 − <see cref="CredibleLevel"/>)/2 quantile of
    /// Beta(γ_k, Σγ − γ_k) (the <c>theta_lower</c> column).</summary>
    public IReadOnlyList<float> ThetaLower { get; }

    /// <summary>The upper end of each topic share's credible interval: the (1 + <see cref="CredibleLevel"/>)/2 quantile of
    /// Beta(γ_k, Σγ − γ_k) (the <c>theta_upper</c> column).</summary>
    public IReadOnlyList<float> ThetaUpper { get; }

    /// <summary>The equal-tailed credible interval of topic <paramref name="topic"/>'s share holding <paramref name="level"/>
    /// of the posterior mass (e.g. 0.5, 0.9, 0.99).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The topic is not 0..K−1, or the level not strictly between 0 and 1.</exception>
    public (double Lower, double Upper) CredibleInterval(int topic, double level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(topic);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(topic, Gamma.Count);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), "the level must lie strictly between 0 and 1.");
        double sum = Gamma.Sum(g => (double)g), a = Gamma[topic], b = sum - a;
        if (!(b > 0)) return (1, 1);
        return (BetaDistribution.Quantile(a, b, (1 - level) / 2), BetaDistribution.Quantile(a, b, (1 + level) / 2));
    }

    /// <summary>θ: the posterior mean of the topic proportions, γ / Σγ, one value per topic (K values summing to 1).
    /// A document without known words gets the prior's mean, α / Σα.</summary>
    public IReadOnlyList<float> Theta { get; }

    /// <summary>γ: the variational Dirichlet parameter of the document's topic proportions (K values, all positive).</summary>
    public IReadOnlyList<float> Gamma { get; }

    /// <summary>The topic with the largest θ (the lowest id on ties), 0..K−1.</summary>
    public int DominantTopic { get; }

    /// <summary>θ of <see cref="DominantTopic"/>.</summary>
    public float DominantProbability { get; }

    /// <summary>−Σ_k θ_k ln θ_k (natural log): 0 for a document entirely about one topic, ln K at most.</summary>
    public double Entropy { get; }

    /// <summary>Tokens of the document that the model knows (the ones inference used).</summary>
    public long TokenCount { get; }

    /// <summary>Tokens dropped because the model's vocabulary lacks their term.</summary>
    public long UnknownTokens { get; }
}
