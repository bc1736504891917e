using System.Globalization;

namespace TopicEngine.Inference;

/// <summary>How a Dirichlet prior (α over topics, η over words) is set.</summary>
public enum PriorKind
{
    /// <summary>Every entry 1/K.</summary>
    Symmetric,

    /// <summary>α_k ∝ 1/(k + √K), normalised to sum to 1 (gensim's "asymmetric"); α only.</summary>
    Asymmetric,

    /// <summary>Starts at 1/K and is learned by damped Newton steps (Hoffman, Blei &amp; Bach 2010; gensim "auto").</summary>
    Auto,

    /// <summary>Every entry the given <see cref="PriorSetting.Value"/>.</summary>
    Fixed,
}

/// <summary>
/// A prior setting as the command line writes it: <c>symmetric</c>, <c>asymmetric</c>, <c>auto</c> or a positive number.
/// </summary>
/// <param name="Kind">How the prior is set.</param>
/// <param name="Value">The value when <paramref name="Kind"/> is <see cref="PriorKind.Fixed"/>, else 0.</param>
public readonly record struct PriorSetting(PriorKind Kind, float Value = 0)
{
    /// <summary>Every entry 1/K.</summary>
    public static PriorSetting Symmetric => new(PriorKind.Symmetric);

    /// <summary>gensim's asymmetric α: 1/(k + √K), normalised.</summary>
    public static PriorSetting Asymmetric => new(PriorKind.Asymmetric);

    /// <summary>Learned during training, starting at 1/K.</summary>
    public static PriorSetting Auto => new(PriorKind.Auto);

    /// <summary>Every entry <paramref name="value"/> (must be positive and finite).</summary>
    public static PriorSetting Fixed(float value) => new(PriorKind.Fixed, value);

    /// <summary>
    /// Parses <c>symmetric</c>, <c>asymmetric</c>, <c>auto</c> or a positive number (invariant culture).
    /// Throws <see cref="TopicEngineException"/> naming <paramref name="option"/> otherwise.
    /// </summary>
    public static PriorSetting Parse(string text, string option)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "symmetric": return Symmetric;
            case "asymmetric": return Asymmetric;
            case "auto": return Auto;
        }
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && float.IsFinite(value))
            return Fixed(value);
        throw new TopicEngineException($"{option} must be symmetric, asymmetric, auto or a positive number, not '{text}'.");
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == PriorKind.Fixed
        ? Value.ToString("R", CultureInfo.InvariantCulture)
        : Kind.ToString().ToLowerInvariant();
}
