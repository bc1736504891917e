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
        var command = new Command("devices", "List the GPUs and accelerators ILGPU sees and the one --device auto picks.");
        command.Options.Add(check);
        command.SetAction((parseResult, cancellationToken) =>
            CommandRunner.RunAsync(_ => Task.FromResult(Run(parseResult.GetValue(check), Console.Out)), cancellationToken));
        return command;
    }

    internal static int Run(bool check, TextWriter output)
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
        return check ? Check(output) : 0;
    }

    /// <summary>Runs the kernel check on every GPU <c>auto</c> could use and on ILGPU's CPU simulator; one header line per
    /// accelerator, then one line per K and kernel.</summary>
    private static int Check(TextWriter output)
    {
        bool passed = true;
        string? accelerator = null;
        foreach (var result in ComputeDevice.CheckKernels((kind, reason) => output.WriteLine($"skip {kind}: {reason}")))
        {
            if (result.Device != accelerator)
            {
                accelerator = result.Device;
                output.WriteLine($"check {accelerator}, tolerance {ComputeDevice.KernelTolerance:g} relative");
            }
            output.WriteLine($"  K={result.Topics,-4} {result.Kernel,-66} max abs {result.MaxAbsoluteDifference,9:0.00e+00}  " +
                $"max rel {result.MaxRelativeDifference,9:0.00e+00}  {(result.Passed ? "PASS" : "FAIL")}");
            passed &= result.Passed;
        }
        output.WriteLine(passed ? "all kernels PASS" : "some kernels FAIL");
        return passed ? 0 : 1;
    }
}
