using Parquet;
using Parquet.Schema;
using TopicEngine.Corpus;
using TopicEngine.Model;
using TopicEngine.Storage;

namespace TopicEngine.Tests;

/// <summary>
/// Regression tests for the Parquet.Net hang found by <see cref="ReaderFuzzTests"/> (issue 15): a file whose footer metadata
/// does not end where its length says (here: its last byte, the Thrift STOP, changed) made Parquet.Net 6.1.0 spin forever
/// reading a varint past the end of the footer. Every Parquet reader now ends such a file in a one-line error naming it.
/// </summary>
public sealed class ParquetGuardTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The byte values at the end of the footer that hung Parquet.Net (field headers and list headers whose reads run on).</summary>
    public static TheoryData<byte> HangingLastBytes => [0x09, 0x37, 0xAC, 0xC4];

    private static byte[] TextFile()
    {
        using var stream = new MemoryStream();
        var id = new DataField<long>("id");
        var text = new DataField<string>("text");
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(id, text), stream).GetAwaiter().GetResult();
        using (var group = writer.CreateRowGroup())
        {
            group.WriteAsync<long>(id, new long[] { 1, 2, 3 }.AsMemory()).GetAwaiter().GetResult();
            group.WriteAsync(text, new[] { "space shuttle", "orbit", "" }).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return stream.ToArray();
    }

    /// <summary><paramref name="bytes"/> with the last byte of the footer metadata (before its length and PAR1) set to <paramref name="value"/>.</summary>
    private static byte[] WithLastFooterByte(byte[] bytes, byte value)
    {
        var copy = (byte[])bytes.Clone();
        Assert.Equal(0, copy[^9]);   // the STOP that ends FileMetaData
        copy[^9] = value;
        return copy;
    }

    /// <summary>Runs <paramref name="read"/> on its own thread; fails if it is still running after <see cref="Limit"/>.</summary>
    private static TopicEngineException ErrorWithin(Action read)
    {
        Exception? error = null;
        var task = Task.Factory.StartNew(() =>
        {
            try { read(); }
            catch (Exception e) { error = e; }
        }, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(Limit), $"the read did not finish within {Limit.TotalSeconds} s (the Parquet.Net hang)");
        return Assert.IsType<TopicEngineException>(error);
    }

    [Theory]
    [MemberData(nameof(HangingLastBytes))]
    public void AFooterRunningPastItsEndIsRefusedByTheCorpusReader(byte value)
    {
        using var dir = new TempDirectory();
        string path = dir.File("docs.parquet");
        File.WriteAllBytes(path, WithLastFooterByte(TextFile(), value));
        var error = ErrorWithin(() => CorpusSources.Open(path, CorpusFormat.Auto, new ReaderOptions()).Read(new ReadReport()).ToList());
        Assert.Contains("docs.parquet", error.Message);
        Assert.Contains("footer metadata runs past", error.Message);
    }

    [Theory]
    [MemberData(nameof(HangingLastBytes))]
    public void AFooterRunningPastItsEndIsRefusedByTheModelFileReaders(byte value)
    {
        using var dir = new TempDirectory();
        var snapshot = ModelTestData.Snapshot();
        ModelDirectory.Save(dir.Path, snapshot);
        string version = ModelDirectory.ResolveFiles(dir.Path);
        string lambda = Path.Combine(version, LambdaFile.FileName), vocabulary = Path.Combine(version, VocabularyFile.FileName);
        File.WriteAllBytes(lambda, WithLastFooterByte(File.ReadAllBytes(lambda), value));
        File.WriteAllBytes(vocabulary, WithLastFooterByte(File.ReadAllBytes(vocabulary), value));

        var lambdaError = ErrorWithin(() => LambdaFile.ReadAsync(lambda, snapshot.Topics, snapshot.VocabularySize).GetAwaiter().GetResult());
        Assert.Contains(LambdaFile.FileName, lambdaError.Message);
        var vocabularyError = ErrorWithin(() => VocabularyFile.ReadAsync(vocabulary).GetAwaiter().GetResult());
        Assert.Contains(VocabularyFile.FileName, vocabularyError.Message);
    }

    /// <summary>A damaged lambda.parquet in a model directory is refused by its SHA-256 before any Parquet read (the same
    /// length, so the size check passes; a Parquet read would give another message).</summary>
    [Fact]
    public void ADamagedLambdaIsRefusedByItsChecksumBeforeParquetNetReadsIt()
    {
        using var dir = new TempDirectory();
        ModelDirectory.Save(dir.Path, ModelTestData.Snapshot());
        string lambda = Path.Combine(ModelDirectory.ResolveFiles(dir.Path), LambdaFile.FileName);
        File.WriteAllBytes(lambda, WithLastFooterByte(File.ReadAllBytes(lambda), 0x37));
        var error = ErrorWithin(() => ModelDirectory.Load(dir.Path));
        Assert.Contains(LambdaFile.FileName, error.Message);
        Assert.Contains("SHA-256 does not match", error.Message);
    }

    /// <summary>Found by the Parquet fuzz at 10,000 cases: a row group whose num_rows is negative made the corpus reader
    /// size an array by it (OverflowException). Every footer byte encoding 3 (zigzag 6) is set to −1 (zigzag 1) in turn:
    /// each read ends in documents or a one-line error, and one of them is the row group's count.</summary>
    [Fact]
    public void ARowGroupWithANegativeRowCountIsAOneLineError()
    {
        byte[] valid = TextFile();
        int footerLength = BitConverter.ToInt32(valid, valid.Length - 8);
        var messages = new List<string>();
        for (int at = valid.Length - 8 - footerLength; at < valid.Length - 8; at++)
        {
            if (valid[at] != 6) continue;
            var bytes = (byte[])valid.Clone();
            bytes[at] = 1;
            using var dir = new TempDirectory();
            string path = dir.File("docs.parquet");
            File.WriteAllBytes(path, bytes);
            try { CorpusSources.Open(path, CorpusFormat.Auto, new ReaderOptions()).Read(new ReadReport()).ToList(); }
            catch (TopicEngineException e) { messages.Add(e.Message); }
        }
        Assert.Contains(messages, m => m.Contains("row group 0 declares -1 rows"));
    }

    [Fact]
    public void AnUndamagedFileReadsAsBefore()
    {
        using var dir = new TempDirectory();
        string path = dir.File("docs.parquet");
        File.WriteAllBytes(path, TextFile());
        var documents = CorpusSources.Open(path, CorpusFormat.Auto, new ReaderOptions { IdField = "id" }).Read(new ReadReport()).ToList();
        Assert.Equal(["1", "2", "3"], documents.Select(d => d.Key));
        Assert.Equal("space shuttle", documents[0].Text);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x41, 0x52, 0x31, 0, 0, 0, 0, 0x50, 0x41, 0x52, 0x31 }, "footer length 0")]
    [InlineData(new byte[] { 0x50, 0x41, 0x52, 0x31, 0xFF, 0xFF, 0xFF, 0x7F, 0x50, 0x41, 0x52, 0x31 }, "footer length 2147483647")]
    [InlineData(new byte[] { 0x50, 0x41, 0x52, 0x31, 1, 0, 0, 0, 0x50, 0x41, 0x52, 0x30 }, "PAR1")]
    [InlineData(new byte[] { 0x50, 0x41, 0x52, 0x31, 0x50 }, "too short")]
    public void AFooterThatDoesNotFitIsNamed(byte[] bytes, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File("docs.parquet");
        File.WriteAllBytes(path, bytes);
        var error = ErrorWithin(() => ParquetColumns.OpenAsync(path).GetAwaiter().GetResult().DisposeAsync().AsTask().GetAwaiter().GetResult());
        Assert.Contains("docs.parquet", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
