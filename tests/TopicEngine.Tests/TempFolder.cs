namespace TopicEngine.Tests;

/// <summary>A temporary folder for one test, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "topic-engine-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a UTF-8 text file (creating folders) and returns its full path.</summary>
    public string Write(string relative, string content) => WriteBytes(relative, System.Text.Encoding.UTF8.GetBytes(content));

    public string WriteBytes(string relative, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes a gzip-compressed UTF-8 text file.</summary>
    public string WriteGzip(string relative, string content)
    {
        using var memory = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionLevel.Fastest))
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(content));
        return WriteBytes(relative, memory.ToArray());
    }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
