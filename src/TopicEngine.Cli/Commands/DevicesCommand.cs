using System.CommandLine;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine devices [--check]</c>: lists what ILGPU sees (name, memory, warp size, group
/// size, compute capability) and what <c>--device auto</c> picks; with <c>--check</c> runs every
/// kernel on every usable accelerator (ILGPU's CPU simulator included) against the reference
/// backend and prints the largest differences with PASS/FAIL, exiting non-zero on a FAIL.
/// </summary>
internal static class DevicesCommand
{
    internal static Command Create()
    {
        var check = new Option<bool>("--check")
        {
            Description = "Run every kernel on every accelerator against the reference backend and print PASS/FAIL per kernel.",
        };
        var topics = new Option<string?>("--topics")
        {
            Description = $"With --check: comma-separated K values (up to {KernelCheckOptions.MaxTopics}); default 1,3,17,33,100,257 on GPUs, 1,3,17,33 on the simulator.",
        };
        var docs = new Option<int?>("--docs") { Description = "With --check: documents of the generated batch (default 64 on GPUs, 6 on the simulator)." };
        var docTerms = new Option<int>("--doc-terms")
        {
            Description = "With --check: most distinct terms of a generated document.",
            DefaultValueFactory = _ => new KernelCheckOptions().DocumentTerms,
        };
        var chunk = new Option<int?>("--chunk")
        {
            Description = "With --check: also run the batch in chunks of this many documents; γ and statistics must equal one chunk's bit for bit.",
        };
        var vocabulary = new Option<int?>("--vocabulary") { Description = "With --check: V of the generated model (default 400 on GPUs, 23 on the simulator)." };
        var on = new Option<string>("--on")
        {
            Description = "With --check: all (every GPU and the simulator), gpu, or simulator (ILGPU's CPU accelerator).",
            DefaultValueFactory = _ => "all",
        };
        var command = new Command("devices", "List the GPUs and accelerators ILGPU sees and the one --device auto picks.");
        foreach (var option in (Option[])[check, topics, docs, docTerms, chunk, vocabulary, on]) command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(_ =>
        {
            var options = new KernelCheckOptions(ParseTopics(parseResult.GetValue(topics)), parseResult.GetValue(docs), parseResult.GetValue(docTerms),
                parseResult.GetValue(chunk), parseResult.GetValue(vocabulary));
            options = parseResult.GetValue(on) switch
            {
                "all" => options,
                "gpu" => options with { Simulator = false },
                "simulator" => options with { Gpus = false },
                var other => throw new TopicEngineException($"unknown --on '{other}'; use all, gpu or simulator"),
            };
            return Task.FromResult(Run(parseResult.GetValue(check), Console.Out, options));
        }, cancellationToken));
        return command;
    }

    private static int[]? ParseTopics(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        try
        {
            return [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];
        }
        catch (FormatException)
        {
            throw new TopicEngineException($"--topics takes comma-separated whole numbers, not '{value}'");
        }
    }

    internal static int Run(bool check, TextWriter output, KernelCheckOptions? options = null)
    {
        output.WriteLine("ILGPU devices:");
        foreach (var d in ComputeDevice.List())
        {
            string capability = d.ComputeCapability is null ? "" : $"  compute capability {d.ComputeCapability}";
            string note = d.Note is null ? "" : $"  — {d.Note}";
            string memory = d.MemoryBytes >= 1L << 50 ? "host memory" : $"memory {d.MemoryBytes / (double)(1L << 30):0.0} GiB";
            output.WriteLine($"  {d.Kind,-6}  {d.Name}  {memory}  warp {d.WarpSize}  " +
                $"max group {d.MaxGroupSize}  multiprocessors {d.Multiprocessors}{capability}{note}");
        }
        using (var auto = ComputeDevice.Open("auto"))
        {
            output.WriteLine($"--device auto picks {auto.Description}");
            if (auto.Warning is not null) output.WriteLine($"warning: {auto.Warning}");
        }
        return check ? Check(output, options ?? new KernelCheckOptions()) : 0;
    }

    /// <summary>Runs the kernel check as <paramref name="options"/> asks; one header line per accelerator, then for each K
    /// one line per kernel launch (group size, shared memory, estimated occupancy) and one per comparison.</summary>
    private static int Check(TextWriter output, KernelCheckOptions options)
    {
        bool passed = true;
        string? accelerator = null;
        void Header(string device)
        {
            if (device == accelerator) return;
            accelerator = device;
            output.WriteLine($"check {accelerator}, tolerance {ComputeDevice.KernelTolerance:g} relative");
        }
        void Launch(KernelLaunch l)
        {
            Header(l.Device);
            string occupancy = double.IsNaN(l.Occupancy) ? "occupancy unknown" : $"occupancy {l.Occupancy,4:P0} ({l.ActiveGroupsPerMultiprocessor} groups per multiprocessor)";
            output.WriteLine($"  K={l.Topics,-5} launch {l.Kernel,-24} group {l.GroupSize,4}  shared {l.SharedMemoryBytes,7:N0} B  {occupancy}");
        }
        foreach (var result in ComputeDevice.CheckKernels(options, Launch, (kind, reason) => output.WriteLine($"skip {kind}: {reason}")))
        {
            Header(result.Device);
            output.WriteLine($"  K={result.Topics,-5} {result.Kernel,-66} max abs {result.MaxAbsoluteDifference,9:0.00e+00}  " +
                $"max rel {result.MaxRelativeDifference,9:0.00e+00}  {(result.Passed ? "PASS" : "FAIL")}");
            passed &= result.Passed;
        }
        output.WriteLine(passed ? "all kernels PASS" : "some kernels FAIL");
        return passed ? 0 : 1;
    }
}
