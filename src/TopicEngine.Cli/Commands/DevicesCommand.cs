using System.CommandLine;
using TopicEngine.Backends;

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
        var devices = DeviceSelector.Describe();
        output.WriteLine("ILGPU devices:");
        foreach (var d in devices)
        {
            string capability = d.ComputeCapability is null ? "" : $"  compute capability {d.ComputeCapability}";
            string note = d.Note is null ? "" : $"  — {d.Note}";
            string memory = d.MemoryBytes >= 1L << 50 ? "host memory" : $"memory {d.MemoryBytes / (double)(1L << 30):0.0} GiB";
            output.WriteLine($"  {d.Kind,-6}  {d.Name}  {memory}  warp {d.WarpSize}  " +
                $"max group {d.MaxGroupSize}  multiprocessors {d.Multiprocessors}{capability}{note}");
        }
        using (var choice = DeviceSelector.Select(DeviceKind.Auto))
        {
            output.WriteLine($"--device auto picks {choice.Description}");
            if (choice.Warning is not null) output.WriteLine($"warning: {choice.Warning}");
        }
        return check ? Check(output) : 0;
    }

    /// <summary>Runs the kernel check on every GPU <c>auto</c> could use and on ILGPU's CPU simulator.</summary>
    private static int Check(TextWriter output)
    {
        bool passed = true;
        foreach (var kind in (DeviceKind[])[DeviceKind.Cuda, DeviceKind.OpenCL])
        {
            DeviceChoice choice;
            try
            {
                choice = DeviceSelector.Select(kind);
            }
            catch (TopicEngineException e)
            {
                output.WriteLine($"skip {kind.ToString().ToLowerInvariant()}: {e.Message}");
                continue;
            }
            using (choice)
                passed &= CheckAccelerator(choice.Description, choice.Accelerator!, [1, 3, 17, 33, 100, 257], vocabulary: 400, documents: 64, output);
        }
        var (context, simulator) = DeviceSelector.CreateSimulator();
        using (context)
        using (simulator)
            passed &= CheckAccelerator("ilgpu-cpu: ILGPU CPU simulator", simulator, [1, 3, 17, 33], vocabulary: 23, documents: 6, output);
        output.WriteLine(passed ? "all kernels PASS" : "some kernels FAIL");
        return passed ? 0 : 1;
    }

    private static bool CheckAccelerator(string description, ILGPU.Runtime.Accelerator accelerator, int[] topics, int vocabulary,
        int documents, TextWriter output)
    {
        output.WriteLine($"check {description}: V={vocabulary}, {documents} documents, tolerance {GpuKernelCheck.Tolerance:g} relative");
        bool passed = true;
        foreach (int k in topics)
        {
            foreach (var result in GpuKernelCheck.Run(accelerator, k, vocabulary, documents, seed: k))
            {
                output.WriteLine($"  K={k,-4} {result.Kernel,-66} max abs {result.MaxAbsoluteDifference,9:0.00e+00}  " +
                    $"max rel {result.MaxRelativeDifference,9:0.00e+00}  {(result.Passed ? "PASS" : "FAIL")}");
                passed &= result.Passed;
            }
        }
        return passed;
    }
}
