using System.CommandLine;
using TopicEngine.Cli;
using TopicEngine.Cli.Commands;

var root = new RootCommand("TopicEngine: LDA topic models by stochastic variational inference, on GPUs (ILGPU) or CPUs.");
foreach (var command in CommandCatalog.All())
    root.Add(command);
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
