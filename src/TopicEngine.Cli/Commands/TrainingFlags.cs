using System.CommandLine;
using System.Globalization;
using TopicEngine.Inference;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// The trainer's flags, shared by <c>fit</c> and <c>update</c>; each maps to one property of
/// <see cref="TrainingOptions"/> (whose defaults they show). Create one per command.
/// </summary>
internal sealed class TrainingFlags
{
    private static readonly TrainingOptions Defaults = new();

    public Option<int> Topics { get; } = new("--topics", "-k") { Description = "Number of topics K.", DefaultValueFactory = _ => Defaults.Topics };
    public Option<string> Mode { get; } = new("--mode") { Description = "online (stochastic VI, mini-batches) or batch (one update per pass).", DefaultValueFactory = _ => Defaults.Mode.ToString().ToLowerInvariant() };
    public Option<string> Passes { get; } = new("--passes") { Description = string.Create(CultureInfo.InvariantCulture, $"Passes over the corpus, or auto (stop when the held-out bound improves by < {Defaults.AutoPassesThreshold:P1}, at most {Defaults.MaxAutoPasses})."), DefaultValueFactory = _ => Defaults.Passes?.ToString(CultureInfo.InvariantCulture) ?? "auto" };
    public Option<string> BatchSize { get; } = new("--batch-size") { Description = $"Documents per mini-batch |B|, or auto (D/10 rounded up, within [{TrainingOptions.MinAutoBatchSize}, {TrainingOptions.MaxAutoBatchSize}]).", DefaultValueFactory = _ => Defaults.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "auto" };
    public Option<string> Order { get; } = new("--order") { Description = "Order a pass visits the training documents in (online mode): shuffled (a seeded random order each pass) or corpus (as stored).", DefaultValueFactory = _ => Defaults.Order.ToString().ToLowerInvariant() };
    public Option<double> Kappa { get; } = new("--kappa") { Description = "Learning-rate decay κ in (0.5, 1]: ρ_t = (τ0 + t)^(−κ).", DefaultValueFactory = _ => Defaults.Kappa };
    public Option<double> Tau0 { get; } = new("--tau0") { Description = "Learning-rate delay τ0 ≥ 1 (so that ρ_0 ≤ 1).", DefaultValueFactory = _ => Defaults.Tau0 };
    public Option<string> Alpha { get; } = new("--alpha") { Description = "Document-topic prior: symmetric (1/K), asymmetric, auto (learned) or a number.", DefaultValueFactory = _ => Defaults.Alpha.ToString() };
    public Option<string> Eta { get; } = new("--eta") { Description = "Topic-word prior: symmetric (1/K), auto (learned) or a number.", DefaultValueFactory = _ => Defaults.Eta.ToString() };
    public Option<int> MaxIterations { get; } = new("--max-iterations") { Description = "Most local-step iterations per document.", DefaultValueFactory = _ => Defaults.LocalStep.MaxIterations };
    public Option<float> Tolerance { get; } = new("--tolerance") { Description = "Local step stops when mean |Δγ| over the topics falls below this (per token for documents longer than K tokens, see --tolerance-by-length).", DefaultValueFactory = _ => Defaults.LocalStep.Tolerance };
    public Option<float> Relaxation { get; } = RelaxationOption();
    public Option<string> ToleranceByLength { get; } = ToleranceByLengthOption();
    public Option<double> Holdout { get; } = new("--holdout") { Description = "Fraction of documents held out (chosen by seed) for document-completion perplexity.", DefaultValueFactory = _ => Defaults.HoldoutFraction };
    public Option<int> Seed { get; } = new("--seed") { Description = "Random seed (λ initialisation, held-out choice).", DefaultValueFactory = _ => Defaults.Seed };
    public Option<int> Threads { get; } = new("--threads") { Description = "CPU threads (0 = all cores). Same seed and threads give the same model.", DefaultValueFactory = _ => Defaults.Threads };
    public Option<int> EvalEvery { get; } = new("--eval-every") { Description = "Log the ELBO every N mini-batches (0: end of pass only).", DefaultValueFactory = _ => Defaults.EvalEvery };
    public Option<string> WarmStart { get; } = new("--warm-start") { Description = "on: start each document's local step in pass p ≥ 2 from its γ of pass p − 1 (streamed to disk beside the fit, D×K floats); off: from 1.", DefaultValueFactory = _ => Defaults.WarmStart ? "on" : "off" };
    public Option<string> FirstPass { get; } = new("--first-pass") { Description = "batch: the first pass gathers the whole corpus's statistics and takes one batch step (λ = η + statistics), then the passes are online; best with --eta auto: more coherent topics (NPMI), held-out perplexity as good or better, for more CPU time. online (default): a global step per mini-batch from the start.", DefaultValueFactory = _ => Defaults.BatchFirstPass ? "batch" : "online" };
    public Option<string> ReviveTopics { get; } = new("--revive-topics") { Description = "Revive starved topics in a new fit: after each pass of the first half, a topic holding less than this share of 1/K of the topic-word counts takes half of the largest topic. A share in (0, 1) (default 0.15: more coherent topics, NPMI) or off. update never revives.", DefaultValueFactory = _ => Defaults.ReviveTopics > 0 ? Defaults.ReviveTopics.ToString(CultureInfo.InvariantCulture) : "off" };
    public Option<string> Start { get; } = new("--start") { Description = "Where λ starts in a new fit: corpus (default: every topic the corpus's word frequencies with Gamma noise; the corpus is read before the first pass) or random (Gamma(100, 1/100) noise alone, as gensim and scikit-learn start).", DefaultValueFactory = _ => Defaults.Start.ToString().ToLowerInvariant() };
    public Option<string> Device { get; } = DeviceOption();

    public TrainingFlags()
    {
        Mode.AcceptOnlyFromAmong([.. Enum.GetNames<TrainingMode>().Select(n => n.ToLowerInvariant())]);
        WarmStart.AcceptOnlyFromAmong("on", "off");
        FirstPass.AcceptOnlyFromAmong("online", "batch");
        Start.AcceptOnlyFromAmong([.. Enum.GetNames<LambdaStart>().Select(n => n.ToLowerInvariant())]);
        Order.AcceptOnlyFromAmong([.. Enum.GetNames<DocumentOrder>().Select(n => n.ToLowerInvariant())]);
    }

    /// <summary><c>--device</c>, accepting exactly the names the library takes.</summary>
    public static Option<string> DeviceOption()
    {
        var option = new Option<string>("--device") { Description = "auto (CUDA, then OpenCL, else CPU), cuda, opencl, cpu, or ilgpu-cpu (the GPU kernels on ILGPU's CPU simulator: slow, for checks without a GPU).", DefaultValueFactory = _ => ComputeDevice.Names[0] };
        option.AcceptOnlyFromAmong([.. ComputeDevice.Names]);
        return option;
    }

    public void AddTo(Command command, bool topics = true)
    {
        if (topics) command.Add(Topics);
        foreach (var option in new Option[] { Mode, Passes, BatchSize, Order, Kappa, Tau0, Alpha, Eta, MaxIterations, Tolerance, ToleranceByLength, Relaxation, Holdout, Seed, Threads, EvalEvery, WarmStart, FirstPass, ReviveTopics, Start, Device })
            command.Add(option);
    }

    public TrainingOptions Options(ParseResult parseResult)
    {
        var options = Defaults with
        {
            Topics = parseResult.CommandResult.Command.Options.Contains(Topics) ? parseResult.GetValue(Topics) : Defaults.Topics,   // sweep takes its own --topics list
            Mode = Enum.Parse<TrainingMode>(parseResult.GetValue(Mode)!, ignoreCase: true),
            Passes = PassesValue(parseResult),
            BatchSize = ParseBatchSize(parseResult.GetValue(BatchSize)!),
            Order = Enum.Parse<DocumentOrder>(parseResult.GetValue(Order)!, ignoreCase: true),
            Kappa = parseResult.GetValue(Kappa),
            Tau0 = parseResult.GetValue(Tau0),
            Alpha = PriorSetting.Parse(parseResult.GetValue(Alpha)!, "--alpha"),
            Eta = PriorSetting.Parse(parseResult.GetValue(Eta)!, "--eta"),
            LocalStep = LocalStep(parseResult),
            HoldoutFraction = parseResult.GetValue(Holdout),
            Seed = parseResult.GetValue(Seed),
            Threads = parseResult.GetValue(Threads),
            EvalEvery = parseResult.GetValue(EvalEvery),
            WarmStart = parseResult.GetValue(WarmStart) == "on",
            ReviveTopics = ParseRevive(parseResult.GetValue(ReviveTopics)!),
            BatchFirstPass = parseResult.GetValue(FirstPass) == "batch",
            Start = Enum.Parse<LambdaStart>(parseResult.GetValue(Start)!, ignoreCase: true),
        };
        options.Validate();
        return options;
    }

    /// <summary><c>--max-iterations</c>, <c>--tolerance</c>, <c>--tolerance-by-length</c> and <c>--relaxation</c>.</summary>
    public LocalStepOptions LocalStep(ParseResult parseResult) =>
        new(parseResult.GetValue(MaxIterations), parseResult.GetValue(Tolerance))
        {
            Relaxation = parseResult.GetValue(Relaxation),
            ToleranceByLength = parseResult.GetValue(ToleranceByLength) == "on",
        };

    /// <summary><c>--tolerance-by-length on|off</c>, shared by fit, update, bench and infer.</summary>
    public static Option<string> ToleranceByLengthOption()
    {
        var option = new Option<string>("--tolerance-by-length")
        {
            Description = "on: a document longer than K tokens stops its local step when Σ|Δγ| per token is below --tolerance (documents of up to K tokens: mean |Δγ| over the topics); off: mean |Δγ| over the topics for every document (gensim's and scikit-learn's test).",
            DefaultValueFactory = _ => LocalStepOptions.Default.ToleranceByLength ? "on" : "off",
        };
        option.AcceptOnlyFromAmong("on", "off");
        return option;
    }

    /// <summary><c>--relaxation</c>, shared by fit, update, bench and infer.</summary>
    public static Option<float> RelaxationOption() => new("--relaxation")
    {
        Description = "Over-relaxation ω in [1, 2) of the local step: after two plain iterations γ ← max(γ + ω (T(γ) − γ), (α + T(γ)) / 2); 1 is the plain step.",
        DefaultValueFactory = _ => LocalStepOptions.DefaultRelaxation,
    };

    /// <summary><c>--passes</c>: a count, or null for auto.</summary>
    public int? PassesValue(ParseResult parseResult)
    {
        string passes = parseResult.GetValue(Passes)!;
        return passes.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null
            : int.TryParse(passes, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n
            : throw new TopicEngineException($"--passes must be a positive number or auto, not '{passes}'");
    }

    /// <summary>The <c>--batch-size</c> value: a size, or null for auto.</summary>
    public int? BatchSizeValue(ParseResult parseResult) => ParseBatchSize(parseResult.GetValue(BatchSize)!);

    private static int? ParseBatchSize(string text) =>
        text.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
        : throw new TopicEngineException($"--batch-size must be a positive number or auto, not '{text}'");

    private static double ParseRevive(string text) =>
        text.Equals("off", StringComparison.OrdinalIgnoreCase) ? 0
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double share) && share > 0 && share < 1 ? share
        : throw new TopicEngineException($"--revive-topics must be off or a share in (0, 1) of 1/K (e.g. 0.1), not '{text}'");

    /// <summary>Opens the device and says on stderr which one, with any fallback warning.</summary>
    public ComputeDevice SelectDevice(ParseResult parseResult) => OpenDevice(parseResult.GetValue(Device)!);

    /// <summary>Opens the device named <paramref name="name"/> and says on stderr which one, with any fallback warning.</summary>
    public static ComputeDevice OpenDevice(string name)
    {
        var device = ComputeDevice.Open(name);
        if (device.Warning is not null) Console.Error.WriteLine($"warning: {device.Warning}");
        Console.Error.WriteLine($"device: {device.Description}");
        return device;
    }
}
