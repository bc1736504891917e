namespace TopicEngine.Synthetic;

/// <summary>
/// The shape and priors of a corpus drawn from LDA's generative process.
/// Topic-word distributions β_k ~ Dirichlet(η·V·base), where base_w ∝ 1/(w+1)^s is a Zipf law
/// over term ids (so with s = 0 this is the symmetric Dirichlet(η)); document proportions
/// θ_d ~ Dirichlet(α, …, α); lengths N_d ~ Poisson(L); each token z ~ θ_d, w ~ β_z.
/// </summary>
internal sealed record SyntheticLdaOptions
{
    public int Documents { get; init; } = 1000;
    public int VocabularySize { get; init; } = 1000;
    public int Topics { get; init; } = 10;
    /// <summary>Mean document length L (tokens), the Poisson mean.</summary>
    public double DocumentLength { get; init; } = 100;
    public long Seed { get; init; } = 1;
    /// <summary>Symmetric document-topic concentration α (per topic).</summary>
    public double Alpha { get; init; } = 0.1;
    /// <summary>Topic-word concentration per word, η (scaled by V·base).</summary>
    public double Eta { get; init; } = 0.01;
    /// <summary>Exponent s of the Zipf base measure (0 = uniform).</summary>
    public double ZipfExponent { get; init; } = 1.0;

    /// <summary>Throws <see cref="TopicEngineException"/> naming the flag to change when a value is out of range.</summary>
    public void Validate()
    {
        if (Documents <= 0) throw new TopicEngineException($"--docs must be positive (got {Documents}).");
        if (VocabularySize <= 0) throw new TopicEngineException($"--vocab must be positive (got {VocabularySize}).");
        if (Topics <= 0) throw new TopicEngineException($"--topics must be positive (got {Topics}).");
        if ((long)Topics * VocabularySize > int.MaxValue)
            throw new TopicEngineException($"--topics × --vocab must stay below {int.MaxValue} (got {(long)Topics * VocabularySize}).");
        if (!(DocumentLength >= 0) || DocumentLength > 1e7)
            throw new TopicEngineException($"--doc-length must be between 0 and 10,000,000 (got {DocumentLength}).");
        if (!(Alpha > 0) || double.IsInfinity(Alpha)) throw new TopicEngineException($"--alpha must be positive (got {Alpha}).");
        if (!(Eta > 0) || double.IsInfinity(Eta)) throw new TopicEngineException($"--eta must be positive (got {Eta}).");
        if (!(ZipfExponent >= 0) || ZipfExponent > 10) throw new TopicEngineException($"--zipf must be between 0 and 10 (got {ZipfExponent}).");
    }
}
