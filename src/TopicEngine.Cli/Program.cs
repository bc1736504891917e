using TopicEngine.Cli;

return await CliApp.RunAsync(args);
