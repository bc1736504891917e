using System.CommandLine;

namespace TopicEngine.Cli.Commands;

/// <summary>Every sub-command of <c>topic-engine</c>, in the order help lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return PrepareCommand.Create();
        yield return FitCommand.Create();
        yield return UpdateCommand.Create();
        yield return TopicsCommand.Create();
        yield return InferCommand.Create();
        yield return EvaluateCommand.Create();
        yield return SweepCommand.Create();
        yield return ReportCommand.Create();
        yield return ExportCommand.Create();
        yield return IndexCommand.Create();
        yield return AnnotateCommand.Create();
        yield return SearchCommand.Create();
        yield return GenerateCommand.Create();
        yield return DevicesCommand.Create();
        yield return BenchCommand.Create();
    }
}
