namespace TopicEngine.Tests;

/// <summary>Writing small input files into a <see cref="TempDirectory"/>.</summary>
internal static class TestFiles
{
    /// <summary>Writes a UTF-8 text file (creating folders) and returns its full path.</summary>
    public static string Write(this TempDirectory dir, string relative, string content) =>
        dir.WriteBytes(relative, System.Text.Encoding.UTF8.GetBytes(content));

    public static string WriteBytes(this TempDirectory dir, string relative, byte[] content)
    {
        string path = dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes a gzip-compressed UTF-8 text file.</summary>
    public static string WriteGzip(this TempDirectory dir, string relative, string content)
    {
        using var memory = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionLevel.Fastest))
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(content));
        return dir.WriteBytes(relative, memory.ToArray());
    }
}
