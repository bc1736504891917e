using TopicEngine.Backends;
using TopicEngine.Cli.Commands;
using TopicEngine.Inference;
using TopicEngine.Kernels;

namespace TopicEngine.Tests;

/// <summary><c>--device</c> parsing and selection, and the <c>devices</c> command. Written to hold
/// on machines with and without a GPU: where a GPU is present the other branch is asserted.</summary>
public sealed class DeviceSelectionTests
{
    [Theory]
    [InlineData("auto", "Auto")]
    [InlineData("CUDA", "Cuda")]
    [InlineData("opencl", "OpenCL")]
    [InlineData(" cpu ", "Cpu")]
    public void Device_option_values_parse(string value, string expected) =>
        Assert.Equal(expected, DeviceSelector.Parse(value).ToString());

    [Fact]
    public void Unknown_device_value_names_the_option_and_the_choices()
    {
        var error = Assert.Throws<TopicEngineException>(() => DeviceSelector.Parse("tpu"));
        Assert.Equal("unknown --device 'tpu'; use auto, cuda, opencl, cpu or ilgpu-cpu", error.Message);
    }

    [Fact]
    public void Cpu_choice_creates_the_cpu_backend_with_the_thread_count()
    {
        using var choice = DeviceSelector.Select(DeviceKind.Cpu);
        using var backend = choice.CreateBackend(topics: 4, threads: 2);

        Assert.Equal("cpu", choice.Kind);
        Assert.Equal("cpu: chosen with --device cpu", choice.Description);
        var cpu = Assert.IsType<CpuBackend>(backend);
        Assert.Equal(2, cpu.Threads);
        Assert.Equal(4, cpu.Topics);
    }

    [Fact]
    public void Auto_says_what_it_chose_and_why()
    {
        bool hasGpu = DeviceSelector.Describe().Any(d => d.Kind is "cuda" or "opencl" && d.Note is null);
        using var choice = DeviceSelector.Select(DeviceKind.Auto);

        Assert.StartsWith(choice.Kind + ": ", choice.Description);
        if (hasGpu && choice.Warning is null)
            Assert.IsType<GpuBackend>(choice.CreateBackend(3, 1));
        else
        {
            Assert.Equal("cpu", choice.Kind);
            Assert.True(choice.Description is "cpu: no CUDA or OpenCL device found" or "cpu: no GPU could be initialised");
        }
    }

    [Fact]
    public void Explicit_cuda_without_a_cuda_device_fails_with_a_clear_message()
    {
        if (DeviceSelector.Describe().Any(d => d.Kind == "cuda" && d.Note is null))
        {
            using var choice = DeviceSelector.Select(DeviceKind.Cuda);
            Assert.Equal("cuda", choice.Kind);
            return;
        }
        var error = Assert.Throws<TopicEngineException>(() => DeviceSelector.Select(DeviceKind.Cuda));
        Assert.StartsWith("--device cuda: ", error.Message);
        Assert.EndsWith("use --device auto or --device cpu", error.Message);
    }

    [Fact]
    public void Devices_command_lists_the_simulator_and_what_auto_picks()
    {
        var output = new StringWriter();

        int exitCode = DevicesCommand.Run(check: false, output);

        Assert.Equal(0, exitCode);
        Assert.Contains("cpu     CPUAccelerator", output.ToString());
        Assert.Contains("--device auto picks ", output.ToString());
    }

    [Fact]
    public void Kernel_phi_norm_floor_equals_the_engine_floor() =>
        Assert.Equal(LdaMath.PhiNormFloor, DeviceMath.PhiNormFloor);
}
