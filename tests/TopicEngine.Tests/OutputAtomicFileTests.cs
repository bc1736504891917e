using TopicEngine.Storage;
using TopicEngine.Model;
using TopicEngine.Corpus;

namespace TopicEngine.Tests;

public sealed class OutputAtomicFileTests
{
    [Fact]
    public async Task AFailedWriteLeavesTheOldFileIntactAndNoTemporary()
    {
        using var temp = new TempDirectory();
        string path = temp.File("data.bin");
        await File.WriteAllTextAsync(path, "old");
        await Assert.ThrowsAsync<InvalidOperationException>(() => AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[1000], ct);
            throw new InvalidOperationException("writer failed midway");
        }));
        Assert.Equal("old", await File.ReadAllTextAsync(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task ASuccessfulWriteReplacesTheFile()
    {
        using var temp = new TempDirectory();
        string path = temp.File("data.txt");
        await File.WriteAllTextAsync(path, "old");
        await AtomicFile.WriteAsync(path, (stream, ct) => stream.WriteAsync("new"u8.ToArray(), ct).AsTask());
        Assert.Equal("new", await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task AFailedDirectoryWriteLeavesTheOldDirectoryIntact()
    {
        using var temp = new TempDirectory();
        string dir = temp.File("out");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "a.txt"), "old");
        await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteDirectoryAsync(dir, async (staging, ct) =>
        {
            await File.WriteAllTextAsync(Path.Combine(staging, "a.txt"), "new", ct);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", await File.ReadAllTextAsync(Path.Combine(dir, "a.txt")));
        Assert.Equal(new[] { dir }, Directory.GetFileSystemEntries(temp.Path));

        await AtomicFile.WriteDirectoryAsync(dir, (staging, ct) => File.WriteAllTextAsync(Path.Combine(staging, "b.txt"), "new", ct));
        Assert.Equal(new[] { "b.txt" }, Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).ToArray());
        Assert.Equal(new[] { dir }, Directory.GetFileSystemEntries(temp.Path));
    }
}
