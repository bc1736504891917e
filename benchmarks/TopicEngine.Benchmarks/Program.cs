using BenchmarkDotNet.Running;
using TopicEngine.Benchmarks;

if (args.Length > 0 && args[0] == "cpu-quick")
{
    CpuBackendBenchmarks.Quick(args[1..]);
    return;
}
if (args.Length > 0 && args[0] == "html-readers")
{
    HtmlReaderComparison.Run(args[1..]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
