using ILGPU;

namespace TopicEngine.Kernels;

/// <summary>
/// A chunk of a CSR mini-batch on the device: document d owns entries
/// <c>DocumentOffsets[d] .. DocumentOffsets[d+1]</c> of <see cref="TermIds"/> and <see cref="Counts"/>.
/// </summary>
internal readonly struct BatchView
{
    public BatchView(ArrayView<int> documentOffsets, ArrayView<int> termIds, ArrayView<float> counts)
    {
        DocumentOffsets = documentOffsets;
        TermIds = termIds;
        Counts = counts;
    }

    /// <summary>Row offsets: D + 1, starting at 0.</summary>
    public readonly ArrayView<int> DocumentOffsets;

    /// <summary>Term id of each non-zero: nnz.</summary>
    public readonly ArrayView<int> TermIds;

    /// <summary>Count n_dw of each non-zero: nnz.</summary>
    public readonly ArrayView<float> Counts;
}

/// <summary>Scalars of the local step: K, the iteration cap, the mean |Δγ| tolerance, the
/// batch row of the chunk's first document (so a failure names the document in the batch), and the
/// tokens of a document taken at once (the size of the E-step's shared n_w / φnorm_w buffer), and whether the φnorm
/// loop over K is unrolled 4-way (<see cref="DeviceMath.LaneDot"/>; bit-identical either way).</summary>
internal readonly struct LocalStepSettings
{
    public LocalStepSettings(int topics, int maxIterations, float tolerance, int firstDocument, int tokensPerChunk,
        int unrolledTopicLoops = 0, bool warmStart = false, float relaxation = 1f, int plainIterations = 0, bool toleranceByLength = false)
    {
        ToleranceByLength = toleranceByLength ? 1 : 0;
        Relaxation = relaxation;
        PlainIterations = plainIterations;
        UnrolledTopicLoops = unrolledTopicLoops;
        Topics = topics;
        MaxIterations = maxIterations;
        Tolerance = tolerance;
        FirstDocument = firstDocument;
        TokensPerChunk = tokensPerChunk;
        WarmStart = warmStart ? 1 : 0;
    }

    public readonly int Topics;
    public readonly int MaxIterations;
    public readonly float Tolerance;
    public readonly int FirstDocument;
    public readonly int TokensPerChunk;
    public readonly int UnrolledTopicLoops;
    /// <summary>ω of the over-relaxed update (LdaMath.RelaxedGamma): after <see cref="PlainIterations"/> iterations
    /// γ ← max(γ + ω (T − γ), (α + T) / 2); 1 is the plain update T.</summary>
    public readonly float Relaxation;
    /// <summary>Iterations that take the plain update before <see cref="Relaxation"/> applies.</summary>
    public readonly int PlainIterations;
    /// <summary>1: the γ rows already hold each document's initial γ (warm start); 0: γ starts at 1.</summary>
    public readonly int WarmStart;
    /// <summary>1: the stopping test divides Σ|Δγ| by max(K, N_d), the document's tokens N_d (LdaMath.ChangeScale);
    /// 0: by K (mean |Δγ| over the topics).</summary>
    public readonly int ToleranceByLength;
}

/// <summary>Scalars of the global step: λ ← (1 − ρ) λ + ρ (η + scale · s) over V terms of K topics,
/// each thread group taking <see cref="TermsPerGroup"/> consecutive terms.</summary>
internal readonly struct GlobalStepSettings
{
    public GlobalStepSettings(int topics, int vocabularySize, int termsPerGroup, float rho, float eta, float scale)
    {
        Topics = topics;
        VocabularySize = vocabularySize;
        TermsPerGroup = termsPerGroup;
        Rho = rho;
        Eta = eta;
        Scale = scale;
    }

    public readonly int Topics;
    public readonly int VocabularySize;
    public readonly int TermsPerGroup;
    public readonly float Rho;
    public readonly float Eta;
    public readonly float Scale;
}
