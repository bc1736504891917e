using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using TopicEngine.Inference;
using TopicEngine.Synthetic;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine bench</c>: times training passes (local + global steps of online SVI) on the chosen
/// device for each K of <c>--topics</c> and reports seconds per pass, tokens/s and non-zeros/s. The
/// corpus is a NYTimes-shaped synthetic one (300,000 documents, V = 100,000, ~230 tokens per
/// document), generated once into a cache folder and reused, or a prepared <c>--corpus</c>, or any
/// <c>--input</c> (prepared on the fly). Progress and notes go to stderr; stdout gets the table (on a
/// terminal), one plain line per K, or with <c>--json</c> one JSON document.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Where generated corpora are kept unless <c>--cache</c> says otherwise.</summary>
    public static string DefaultCacheRoot => Path.Combine(Path.GetTempPath(), "topic-engine-bench");

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private static readonly BenchmarkOptions Defaults = new() { Topics = 1 };

    internal static Command Create()
    {
        var topics = new Option<string>("--topics", "-k") { Description = "Comma-separated numbers of topics K to time, one after the other.", DefaultValueFactory = _ => "100,1000" };
        var passes = new Option<int>("--passes") { Description = "Timed passes over the corpus per K.", DefaultValueFactory = _ => Defaults.Passes };
        var docs = new Option<int>("--docs") { Description = "Synthetic corpus: documents D (NYTimes has 300,000).", DefaultValueFactory = _ => 300_000 };
        var vocab = new Option<int>("--vocab") { Description = "Synthetic corpus: vocabulary size V.", DefaultValueFactory = _ => 100_000 };
        var length = new Option<double>("--doc-length") { Description = "Synthetic corpus: mean tokens per document (Poisson).", DefaultValueFactory = _ => 230 };
        var trueTopics = new Option<int>("--true-topics") { Description = "Synthetic corpus: topics of the generating model (its structure, not the K timed).", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic corpus and of λ's start.", DefaultValueFactory = _ => 1 };
        var cache = new Option<string?>("--cache") { Description = "Folder for generated corpora: one subfolder per shape and seed, reused when present (default: TEMP/topic-engine-bench)." };
        var warmup = new Option<int>("--warmup-docs") { Description = "Documents run before timing so that JIT and GPU kernel compilation are not timed (0: the first pass includes them).", DefaultValueFactory = _ => Defaults.WarmupDocuments };
        var warmupSeconds = new Option<double>("--warmup-seconds") { Description = "The warm-up also runs at least this long (repeating the first documents), so that .NET's tiered JIT has optimised the hot loops.", DefaultValueFactory = _ => Defaults.WarmupSeconds };
        var json = new Option<bool>("--json") { Description = "Write the results as one JSON document on stdout." };
        var training = new TrainingFlags();
        var corpus = new CorpusArgument();

        var command = new Command("bench",
            "Time training passes (local + global steps) for each K on the chosen device: seconds per pass, tokens/s, non-zeros/s. "
            + "Without --corpus or --input, on a NYTimes-shaped synthetic corpus generated once into --cache.")
        {
            topics, passes, training.BatchSize, training.MaxIterations, training.Tolerance, training.ToleranceByLength, training.Relaxation, training.Device, training.Threads,
            docs, vocab, length, trueTopics, seed, cache, warmup, warmupSeconds, json,
        };
        corpus.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            var topicList = ParseTopics(parseResult.GetValue(topics)!);
            bool asJson = parseResult.GetValue(json);
            bool live = Terminal.IsInteractive && !asJson;   // live progress and a table; never mixed into JSON
            int threads = parseResult.GetValue(training.Threads);
            var benchmark = new BenchmarkOptions
            {
                Topics = topicList[0],
                Passes = parseResult.GetValue(passes),
                BatchSize = training.BatchSizeValue(parseResult),
                WarmupDocuments = parseResult.GetValue(warmup),
                WarmupSeconds = parseResult.GetValue(warmupSeconds),
                Seed = parseResult.GetValue(seed),
                Threads = threads,
                LocalStep = training.LocalStep(parseResult),
            };
            benchmark.Validate();
            bool external = parseResult.GetValue(corpus.Prepared) is not null || !corpus.Input.UsesDefaultCorpus(parseResult);
            var synthetic = new SyntheticLdaOptions
            {
                Documents = parseResult.GetValue(docs),
                VocabularySize = parseResult.GetValue(vocab),
                DocumentLength = parseResult.GetValue(length),
                Topics = parseResult.GetValue(trueTopics),
                Seed = parseResult.GetValue(seed),
            };
            if (!external)
            {
                if (synthetic.Topics <= 0) throw new TopicEngineException($"--true-topics must be positive, not {synthetic.Topics}");
                synthetic.Validate();
            }
            string cacheRoot = parseResult.GetValue(cache) ?? DefaultCacheRoot;

            using var device = training.SelectDevice(parseResult);
            using var opened = external ? await corpus.OpenAsync(parseResult, Path.Combine(Path.GetFullPath(cacheRoot), "input"), ct, Console.Error) : null;
            var openedSummary = opened is null ? null : TopicCorpus.Open(opened.Corpus.Directory);
            int vocabularySize = openedSummary?.VocabularySize ?? synthetic.VocabularySize;
            int batchSize = benchmark.ResolveBatchSize(openedSummary is null ? synthetic.Documents : checked((int)openedSummary.Documents));
            var memory = topicList.Distinct().Select(k => MemoryPlan.For(device, vocabularySize, batchSize, benchmark with { Topics = k })).ToList();
            foreach (var plan in memory) Console.Error.WriteLine(plan.Describe());
            MemoryPlan.CheckFits(memory);

            BenchCorpus corpusInfo;
            if (openedSummary is not null)
                corpusInfo = BenchCorpus.Of(openedSummary, opened!.TemporaryDirectory is null ? "prepared" : "input", generated: false, 0);
            else
            {
                var cached = await OpenOrGenerateAsync(synthetic, cacheRoot, live, ct);
                corpusInfo = BenchCorpus.Of(TopicCorpus.Open(cached.Directory), "synthetic", cached.Created, cached.Elapsed.TotalSeconds);
            }
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"corpus: {corpusInfo.Directory} ({corpusInfo.Documents:N0} documents, {corpusInfo.Tokens:N0} tokens, {corpusInfo.NonZeros:N0} non-zeros, V={corpusInfo.Vocabulary:N0})"));

            var rows = new List<BenchRow>();
            foreach (int k in topicList)
            {
                var result = await Task.Run(() => Time(corpusInfo.Directory, device, benchmark with { Topics = k }, corpusInfo.Documents, live, ct), ct);
                var plan = memory.First(m => m.Topics == k);
                rows.Add(BenchRow.Of(result, plan.HostBytes, plan.DeviceBytes));
            }

            var deviceInfo = new BenchDevice(device.Kind, device.Description, memory[0].AcceleratorName ?? CpuName(),
                device.Kind == "cpu" ? (threads == 0 ? Environment.ProcessorCount : threads) : null);
            var report = new BenchReport(deviceInfo, corpusInfo, batchSize, rows);
            if (asJson) Console.WriteLine(JsonSerializer.Serialize(report, Json));
            else if (live) AnsiConsole.Write(Table(report));
            else
            {
                Console.WriteLine($"device: {deviceInfo.Line()}");
                Console.WriteLine($"corpus: {corpusInfo.Line()}");
                foreach (var row in rows) Console.WriteLine(row.Line());
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>Parses <c>--topics</c>: positive integers separated by commas.</summary>
    internal static int[] ParseTopics(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var list = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out list[i]) || list[i] <= 0)
                throw new TopicEngineException($"--topics must be positive whole numbers separated by commas (e.g. 100,1000), not '{value}'");
        return list;
    }

    private static async Task<SyntheticCacheResult> OpenOrGenerateAsync(SyntheticLdaOptions options, string cacheRoot, bool live, CancellationToken ct)
    {
        string folder = Path.Combine(Path.GetFullPath(cacheRoot), SyntheticCorpusCache.FolderName(options));
        Console.Error.WriteLine($"corpus: {SyntheticCorpusCache.Describe(options)}; cache {folder}");
        var last = TimeSpan.Zero;
        var progress = new Progress<SyntheticProgress>(p =>
        {
            if (p.Documents < p.TotalDocuments && p.Elapsed - last < TimeSpan.FromSeconds(5)) return;
            last = p.Elapsed;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"generating: {p.Documents:N0}/{p.TotalDocuments:N0} documents, {p.Tokens:N0} tokens, {p.Elapsed.TotalSeconds:F0} s"));
        });
        var result = live
            ? await AnsiConsole.Status().StartAsync("generating the synthetic corpus", _ => SyntheticCorpusCache.OpenOrCreateAsync(options, cacheRoot, null, ct))
            : await SyntheticCorpusCache.OpenOrCreateAsync(options, cacheRoot, progress, ct);
        Console.Error.WriteLine(result.Created
            ? string.Create(CultureInfo.InvariantCulture, $"corpus: generated in {result.Elapsed.TotalSeconds:F1} s (not part of the timings; later runs reuse it)")
            : "corpus: reused from the cache (delete the folder to generate it again)");
        return result;
    }

    /// <summary>Warm-up and timed passes for one K, with progress on stderr (plain) or a progress bar (terminal).</summary>
    private static BenchmarkResult Time(string corpus, ComputeDevice device, BenchmarkOptions benchmark, long documents, bool live, CancellationToken ct)
    {
        void PassDone(int pass, PassTimes t) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"K={benchmark.Topics} pass {pass}/{benchmark.Passes}: {t.Seconds:F2} s (local {t.LocalSeconds:F2} s, global {t.GlobalSeconds:F2} s, wall {t.WallSeconds:F2} s), {t.Tokens / t.Seconds:N0} tokens/s"));

        Console.Error.WriteLine(benchmark.WarmupDocuments > 0
            ? string.Create(CultureInfo.InvariantCulture, $"K={benchmark.Topics}: warm-up on the first {benchmark.WarmupDocuments} documents, at least {benchmark.WarmupSeconds:0.#} s (JIT, kernel compilation), then timing {benchmark.Passes} pass(es)")
            : $"K={benchmark.Topics}: no warm-up: the first pass includes JIT and kernel compilation");
        if (!live) return TopicTrainer.Benchmark(corpus, benchmark, device, PassDone, null, ct);

        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"K={benchmark.Topics}: warm-up", maxValue: (double)documents * benchmark.Passes);
                int pass = 1;
                var result = TopicTrainer.Benchmark(corpus, benchmark, device,
                    (p, _) => pass = p + 1,
                    done =>
                    {
                        task.Description = $"K={benchmark.Topics}: pass {pass}/{benchmark.Passes}";
                        task.Value = (double)documents * (pass - 1) + done;
                    }, ct);
                task.StopTask();
                return result;
            });
    }

    private static Table Table(BenchReport report)
    {
        var table = new Table()
            .Title(Markup.Escape($"{report.Device.Line()}; {report.Corpus.Line()}"))
            .AddColumns("K", "s/pass", "tokens/s", "non-zeros/s", "local s", "global s", "wall s", "it/doc");
        foreach (var column in table.Columns) column.RightAligned();
        var first = report.Results[0];
        table.Caption(first.FirstPassIncludesCompilation
            ? $"{first.Passes} timed pass(es) per K, batch {report.BatchSize}; no warm-up: pass 1 includes JIT and kernel compilation"
            : $"{first.Passes} timed pass(es) per K, batch {report.BatchSize}, after a warm-up on {first.WarmupDocuments} documents (not timed)");
        foreach (var r in report.Results)
            table.AddRow(
                r.Topics.ToString(CultureInfo.InvariantCulture),
                r.SecondsPerPass.ToString("F2", CultureInfo.InvariantCulture), r.TokensPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                r.NonZerosPerSecond.ToString("N0", CultureInfo.InvariantCulture), r.LocalSecondsPerPass.ToString("F2", CultureInfo.InvariantCulture),
                r.GlobalSecondsPerPass.ToString("F2", CultureInfo.InvariantCulture), r.WallSecondsPerPass.ToString("F2", CultureInfo.InvariantCulture),
                r.IterationsPerDocument.ToString("F1", CultureInfo.InvariantCulture));
        return table;
    }

    /// <summary>The CPU's model name from /proc/cpuinfo (Linux), else null.</summary>
    private static string? CpuName()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>What one K allocates: host bytes (the backend's model on the CPU, λ's start and γ), their peak (on the CPU
    /// the replaced λ and expElogβ live on for a moment when λ is reset after the warm-up) and device bytes (GPU).</summary>
    private sealed record MemoryPlan(int Topics, int VocabularySize, long HostBytes, long PeakHostBytes, long DeviceBytes, string Where,
        long HostAvailable, long DeviceAvailable, string? AcceleratorName)
    {
        public static MemoryPlan For(ComputeDevice device, int vocabularySize, int batchSize, BenchmarkOptions benchmark)
        {
            var m = TopicTrainer.EstimateBenchmarkMemory(device, vocabularySize, batchSize, benchmark);
            int threads = benchmark.Threads == 0 ? Environment.ProcessorCount : benchmark.Threads;
            string where = m.AcceleratorName is { } name ? $"{device.Kind} device '{name}'"
                : $"cpu backend (λ, expElogβ and at most V×K floats of statistics shared by the {threads} threads)";
            return new MemoryPlan(m.Topics, m.VocabularySize, m.HostBytes, m.PeakHostBytes, m.DeviceBytes, where, AvailableHostBytes(),
                m.DeviceMemoryBytes, m.AcceleratorName);
        }

        public string Describe() => DeviceBytes > 0
            ? $"K={Topics}: memory: {Gib(DeviceBytes)} on the {Where} (λ, expElogβ floats, 64-bit statistics, V={VocabularySize}) of {Gib(DeviceAvailable)}; host {Gib(HostBytes)} of {Gib(HostAvailable)} available"
            : $"K={Topics}: memory: host {Gib(HostBytes)} for the {Where}, λ's start and γ, V={VocabularySize} (peak {Gib(PeakHostBytes)} while λ is reset after the warm-up); {Gib(HostAvailable)} available";

        /// <summary>Throws when some K's model does not fit the host's available memory or the device.</summary>
        public static void CheckFits(IEnumerable<MemoryPlan> plans)
        {
            foreach (var p in plans)
            {
                if (p.DeviceBytes > p.DeviceAvailable)
                    throw new TopicEngineException($"K={p.Topics} needs {Gib(p.DeviceBytes)} on the {p.Where}, which has {Gib(p.DeviceAvailable)}; lower --topics or --vocab, or use --device cpu");
                if (p.PeakHostBytes > p.HostAvailable)
                    throw new TopicEngineException($"K={p.Topics} needs {Gib(p.PeakHostBytes)} of host memory, {Gib(p.HostAvailable)} is available; lower --topics, --vocab or --threads");
            }
        }

        private static string Gib(long bytes) => bytes switch
        {
            >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB"),
            >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F0} MiB"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB"),
        };

        /// <summary>MemAvailable from /proc/meminfo on Linux, else what the GC may use.</summary>
        private static long AvailableHostBytes()
        {
            try
            {
                if (File.Exists("/proc/meminfo"))
                    foreach (var line in File.ReadLines("/proc/meminfo"))
                        if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                            && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
                            return kib * 1024;
            }
            catch (IOException)
            {
            }
            return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        }
    }
}

/// <summary>The <c>--json</c> document of <c>bench</c>.</summary>
internal sealed record BenchReport(
    [property: JsonPropertyName("device")] BenchDevice Device,
    [property: JsonPropertyName("corpus")] BenchCorpus Corpus,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("results")] IReadOnlyList<BenchRow> Results);

/// <summary>The device timed: kind, the selector's description, the card's (or CPU's) name, CPU threads.</summary>
internal sealed record BenchDevice(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("threads")] int? Threads)
{
    /// <summary>The description, and for the CPU its model name and thread count (a GPU's description names the card).</summary>
    public string Line() => Threads is { } threads ? $"{Description} ({Name ?? "unknown CPU"}, {threads} threads)" : Description;
}

/// <summary>The corpus timed, and whether this run generated it.</summary>
internal sealed record BenchCorpus(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("directory")] string Directory,
    [property: JsonPropertyName("documents")] long Documents,
    [property: JsonPropertyName("tokens")] long Tokens,
    [property: JsonPropertyName("non_zeros")] long NonZeros,
    [property: JsonPropertyName("vocabulary")] int Vocabulary,
    [property: JsonPropertyName("generated")] bool Generated,
    [property: JsonPropertyName("generation_seconds")] double GenerationSeconds)
{
    /// <summary>Source, counts and folder, one line.</summary>
    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Source}, {Documents:N0} documents, {Tokens:N0} tokens, {NonZeros:N0} non-zeros, V={Vocabulary:N0} ({Directory})");

    public static BenchCorpus Of(CorpusSummary corpus, string source, bool generated, double seconds) =>
        new(source, corpus.Directory, corpus.Documents, corpus.Tokens, corpus.NonZeros, corpus.VocabularySize, generated, seconds);
}

/// <summary>One K's result: mean seconds per pass (local + global steps), throughput and the breakdown.</summary>
internal sealed record BenchRow(
    [property: JsonPropertyName("topics")] int Topics,
    [property: JsonPropertyName("backend")] string Backend,
    [property: JsonPropertyName("passes")] int Passes,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("seconds_per_pass")] double SecondsPerPass,
    [property: JsonPropertyName("tokens_per_second")] double TokensPerSecond,
    [property: JsonPropertyName("non_zeros_per_second")] double NonZerosPerSecond,
    [property: JsonPropertyName("local_seconds_per_pass")] double LocalSecondsPerPass,
    [property: JsonPropertyName("global_seconds_per_pass")] double GlobalSecondsPerPass,
    [property: JsonPropertyName("wall_seconds_per_pass")] double WallSecondsPerPass,
    [property: JsonPropertyName("pass_seconds")] IReadOnlyList<double> PassSeconds,
    [property: JsonPropertyName("iterations_per_document")] double IterationsPerDocument,
    [property: JsonPropertyName("warmup_documents")] int WarmupDocuments,
    [property: JsonPropertyName("warmup_seconds")] double WarmupSeconds,
    [property: JsonPropertyName("first_pass_includes_compilation")] bool FirstPassIncludesCompilation,
    [property: JsonPropertyName("host_memory_bytes")] long HostMemoryBytes,
    [property: JsonPropertyName("device_memory_bytes")] long DeviceMemoryBytes)
{
    public static BenchRow Of(BenchmarkResult r, long hostBytes, long deviceBytes) =>
        new(r.Topics, r.Backend, r.Passes.Count, r.BatchSize, r.SecondsPerPass, r.TokensPerSecond, r.NonZerosPerSecond, r.LocalSecondsPerPass,
            r.GlobalSecondsPerPass, r.WallSecondsPerPass, r.Passes.Select(p => p.Seconds).ToArray(), r.IterationsPerDocument,
            r.WarmupDocuments, r.WarmupSeconds, r.FirstPassIncludesCompilation, hostBytes, deviceBytes);

    /// <summary>The plain line printed when stdout is not a terminal.</summary>
    public string Line()
    {
        string warmup = FirstPassIncludesCompilation
            ? "no warm-up: pass 1 includes JIT/kernel compilation"
            : string.Create(CultureInfo.InvariantCulture, $"warm-up {WarmupDocuments} documents {WarmupSeconds:F1} s, not timed");
        return string.Create(CultureInfo.InvariantCulture,
            $"K={Topics}: {SecondsPerPass:F2} s/pass, {TokensPerSecond:N0} tokens/s, {NonZerosPerSecond:N0} non-zeros/s (local {LocalSecondsPerPass:F2} s, global {GlobalSecondsPerPass:F2} s, wall {WallSecondsPerPass:F2} s per pass; {IterationsPerDocument:F1} iterations/document; {Passes} pass(es) of batches of {BatchSize} on {Backend}; {warmup})");
    }
}
