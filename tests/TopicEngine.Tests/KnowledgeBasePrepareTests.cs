namespace TopicEngine.Tests;

/// <summary><c>prepare</c> over a folder of mixed file types: the summary counts documents per type and skips per reason.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class KnowledgeBasePrepareTests
{
    [Fact]
    public void PrepareSummaryGivesDocumentsPerTypeAndSkipsPerReason()
    {
        using var dir = new TempDirectory();
        dir.Write("kb/survey.html", KnowledgeBaseReaderTests.Html);
        dir.Write("kb/notes.md", "# Orchard\n\n[apple guide](https://example.org/a.html)\n");
        dir.WriteBytes("kb/report.pdf", KnowledgeBaseReaderTests.Pdf("glacier retreat"));
        dir.WriteBytes("kb/locked.pdf", KnowledgeBaseReaderTests.EncryptedPdf());
        dir.WriteBytes("kb/broken.docx", "PK\u0003\u0004 broken"u8.ToArray());
        dir.Write("kb/cal.eml", KnowledgeBaseReaderTests.Eml());
        dir.Write("kb/plain.txt", "plain words");
        var (exit, output, error) = CliRun.Run("prepare", "--input", dir.File("kb"), "--out", dir.File("out"), "--on-error", "skip", "--min-df", "1", "--max-df", "1");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("documents by type: email 1, html 1, markdown 1, pdf 1, text 1", lines);
        Assert.Contains(lines, l => l.StartsWith("documents: 5,", StringComparison.Ordinal));
        Assert.Contains("skipped 2 records (encrypted PDF 1, unreadable docx 1;", error);
    }

    [Fact]
    public void InferAndUpdateGiveTheSameReadingSummaryAsFit()
    {
        using var dir = new TempDirectory();
        dir.Write("kb/survey.html", KnowledgeBaseReaderTests.Html);
        dir.Write("kb/cal.eml", KnowledgeBaseReaderTests.Eml());
        dir.WriteBytes("kb/broken.docx", "PK\u0003\u0004 broken"u8.ToArray());
        dir.Write("kb/plain.txt", "basalt mirror survey lava");
        string[] reading = ["--input", dir.File("kb"), "--on-error", "skip"];
        var fit = CliRun.Run([.. "fit".Split(), .. reading, "--topics", "2", "--min-df", "1", "--max-df", "1", "--holdout", "0", "--passes", "1",
            "--threads", "1", "--device", "cpu", "--out", dir.File("model")]);
        var infer = CliRun.Run([.. "infer".Split(), .. reading, "--model", dir.File("model"), "--device", "cpu", "--out", dir.File("theta.parquet")]);
        var update = CliRun.Run([.. "update".Split(), .. reading, "--model", dir.File("model"), "--holdout", "0", "--passes", "1", "--threads", "1", "--device", "cpu"]);
        foreach (var (name, (exit, output, error)) in new[] { ("fit", fit), ("infer", infer), ("update", update) })
        {
            Assert.True(exit == 0, $"{name}: {error}");
            var lines = output.Split('\n', StringSplitOptions.TrimEntries);
            Assert.Contains("documents by type: email 1, html 1, text 1", lines);
            Assert.Contains("attachments: 1 skipped (--attachments reads html, markdown, pdf, docx, text and e-mail ones)", lines);
            Assert.Contains("skipped 1 records (unreadable docx 1; first: ", error);
        }
    }

    [Fact]
    public void ImagesAndOtherBinaryFilesInAFolderAreSkippedAndCountedNotReadAsText()
    {
        using var dir = new TempDirectory();
        dir.WriteBytes("kb/diagram.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFE, 0x00, 0xC3]);
        dir.WriteBytes("kb/font.woff2", [0x77, 0x4F, 0x46, 0x32, 0xFF, 0x00]);
        dir.Write("kb/page.html", "<html><head><title>orchard</title></head><body><p>apple pear</p></body></html>");
        var (exit, output, error) = CliRun.Run("prepare", "--input", dir.File("kb"), "--out", dir.File("out"), "--min-df", "1", "--max-df", "1");
        Assert.True(exit == 0, error);   // strict UTF-8 and --on-error fail: the binary files were never read as text
        Assert.Contains(output.Split('\n', StringSplitOptions.TrimEntries), l => l.StartsWith("documents: 1,", StringComparison.Ordinal));
        Assert.Contains("skipped 2 records (not a text document 2;", error);
    }

    [Fact]
    public void ADamagedFileFailsWithOneLineNamingItUnlessSkipped()
    {
        using var dir = new TempDirectory();
        string bad = dir.WriteBytes("kb/broken.pdf", "%PDF-1.7\nnot really"u8.ToArray());
        dir.Write("kb/plain.txt", "plain words");
        var (exit, _, error) = CliRun.Run("prepare", "--input", dir.File("kb"), "--out", dir.File("out"));
        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {bad}: not a readable pdf file", line);
    }

    [Fact]
    public void StopWordsFileAddsItsWordsAndTheCorpusRecordsTheAnalysis()
    {
        using var dir = new TempDirectory();
        for (int i = 0; i < 3; i++) dir.Write($"in/{i}.txt", "alpha beta gamma https://example.org/x.html setup.py");
        string stop = dir.Write("stop.txt", "# domain words\nBeta  delta\n");
        var (exit, output, error) = CliRun.Run("prepare", "--input", dir.File("in"), "--out", dir.File("out"), "--stop-words", stop, "--min-df", "1", "--max-df", "1");
        Assert.True(exit == 0, error);
        Assert.Contains("documents: 3, tokens: 6, vocabulary: 2", output);
        var analyzer = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(dir.Current("out/corpus.json")))!["analyzer"]!;
        Assert.Equal("[\"beta\",\"delta\"]", analyzer["extra_stop_words"]!.ToJsonString());
        Assert.False(analyzer["keep_urls"]!.GetValue<bool>());

        (exit, output, error) = CliRun.Run("prepare", "--input", dir.File("in"), "--out", dir.File("kept"), "--keep-urls", "--min-df", "1", "--max-df", "1");
        Assert.True(exit == 0, error);
        Assert.Contains("documents: 3, tokens: 21, vocabulary: 7", output);
    }
}
