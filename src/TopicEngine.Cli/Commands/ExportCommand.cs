using System.CommandLine;

namespace TopicEngine.Cli.Commands;

/// <summary>
/// <c>topic-engine export</c>: writes a prepared corpus as UCI bag-of-words (<c>docword.txt</c>,
/// <c>vocab.txt</c>, 1-based ids), so other tools (gensim, scikit-learn, MALLET) can be fitted on
/// exactly the documents and vocabulary TopicEngine saw. Files are written atomically.
/// </summary>
internal static class ExportCommand
{
    internal static Command Create()
    {
        var corpus = new Option<string>("--corpus") { Description = "Prepared corpus folder (from prepare).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Folder to write docword.txt and vocab.txt into.", Required = true };
        var command = new Command("export", "Write a prepared corpus as UCI bag-of-words (docword.txt + vocab.txt) for other tools.") { corpus, output };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(async ct =>
        {
            string outDir = parseResult.GetValue(output)!;
            var exported = await TopicCorpus.ExportUciAsync(parseResult.GetValue(corpus)!, outDir, ct);
            Console.WriteLine($"wrote {Path.Combine(outDir, "docword.txt")} ({exported.Documents:N0} documents, {exported.VocabularySize:N0} terms, {exported.NonZeros:N0} non-zeros) and vocab.txt");
            return 0;
        }, cancellationToken));
        return command;
    }
}
