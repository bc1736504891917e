using System.Collections.ObjectModel;
using TopicEngine.Inference;

namespace TopicEngine;

/// <summary>
/// The topic mixture of one document, as <see cref="TopicModel.Infer(string)"/> returns it: the same
/// values a row of <c>doc_topics.parquet</c> holds. Immutable.
/// </summary>
public sealed class TopicMixture
{
    internal TopicMixture(float[] gamma, long tokenCount, long unknownTokens)
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
