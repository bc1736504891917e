namespace TopicEngine.Storage;

/// <summary>
/// Writes files and directories so that a reader never sees a half-written one: the content goes
/// to a temporary sibling (same directory, so the final rename stays on one file system) and is
/// renamed into place only once complete. If writing fails, the temporary is deleted and any
/// existing file or directory at the target is left as it was.
/// </summary>
internal static class AtomicFile
{
    /// <summary>A temporary sibling path of <paramref name="path"/>, hidden and unique.</summary>
    public static string TemporarySibling(string path)
    {
        string full = Path.GetFullPath(path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string dir = Path.GetDirectoryName(full) ?? ".";
        return Path.Combine(dir, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
    }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/> (given a fresh stream), then renames it into place.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        string temp = TemporarySibling(path);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Synchronous form of <see cref="WriteAsync"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string temp = TemporarySibling(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Fills a new temporary sibling directory of <paramref name="directory"/> through
    /// <paramref name="fill"/>, then puts it in place. An existing directory is replaced only after
    /// the new one is complete: it is first renamed aside, then deleted once the new one is in place.
    /// </summary>
    public static async Task WriteDirectoryAsync(string directory, Func<string, CancellationToken, Task> fill, CancellationToken cancellationToken = default)
    {
        string target = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string? parent = Path.GetDirectoryName(target);
        if (!string.IsNullOrEmpty(parent)) Directory.CreateDirectory(parent);
        string temp = TemporarySibling(target);
        Directory.CreateDirectory(temp);
        try
        {
            await fill(temp, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            ReplaceDirectory(temp, target);
        }
        catch
        {
            TryDeleteDirectory(temp);
            throw;
        }
    }

    /// <summary>Moves the complete directory <paramref name="source"/> to <paramref name="target"/>, replacing what is there.</summary>
    public static void ReplaceDirectory(string source, string target)
    {
        if (File.Exists(target))
            throw new TopicEngineException($"{target}: exists and is a file, not a directory; choose another --out.");
        if (!Directory.Exists(target))
        {
            Directory.Move(source, target);
            return;
        }
        string aside = TemporarySibling(target) + ".old";
        Directory.Move(target, aside);
        try
        {
            Directory.Move(source, target);
        }
        catch
        {
            Directory.Move(aside, target);
            throw;
        }
        TryDeleteDirectory(aside);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Removes a folder and everything in it, if it exists; a failure to remove is ignored (temporary folders).</summary>
    internal static void TryDeleteDirectory(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
