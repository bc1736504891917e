using System.CommandLine;
using System.Globalization;
using System.Text;
using TopicEngine.Corpus;
using TopicEngine.Storage;
using TopicEngine.Model;

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
            var prepared = PreparedCorpus.Open(parseResult.GetValue(corpus)!);
            string outDir = parseResult.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            long nonZeros = prepared.Manifest.NonZeros;   // the UCI header needs it before the body

            await AtomicFile.WriteAsync(Path.Combine(outDir, "docword.txt"), async (stream, token) =>
            {
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{prepared.DocumentCount}\n{prepared.VocabularySize}\n{nonZeros}\n"));
                int doc = 0;
                var line = new StringBuilder();
                foreach (var batch in prepared.ReadBatches(4096))
                    for (int d = 0; d < batch.DocumentCount; d++)
                    {
                        doc++;
                        var terms = batch.DocumentTerms(d);
                        var counts = batch.DocumentCounts(d);
                        line.Clear();
                        for (int i = 0; i < terms.Length; i++)
                            line.Append(CultureInfo.InvariantCulture, $"{doc} {terms[i] + 1} {counts[i]:R}\n");
                        await writer.WriteAsync(line, token);
                    }
            }, ct);
            await AtomicFile.WriteAsync(Path.Combine(outDir, "vocab.txt"), async (stream, token) =>
            {
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
                for (int i = 0; i < prepared.VocabularySize; i++)
                    await writer.WriteAsync(prepared.Vocabulary.Term(i) + "\n");
            }, ct);
            Console.WriteLine($"wrote {Path.Combine(outDir, "docword.txt")} ({prepared.DocumentCount:N0} documents, {prepared.VocabularySize:N0} terms, {nonZeros:N0} non-zeros) and vocab.txt");
            return 0;
        }, cancellationToken));
        return command;
    }
}
