using System.Runtime.InteropServices;
using System.Text;

namespace TopicEngine.Storage;

/// <summary>
/// A folder whose content (a model, a prepared corpus) is replaced as a whole in one atomic step, so that a crash at any
/// moment leaves the previous complete version or the new one, and a reader at any moment opens one complete version
/// (SQLite's standard). Layout of <c>DIR</c>:
/// <code>
/// DIR/CURRENT                 the name of the current version, one line; replaced by an atomic rename (the switch)
/// DIR/versions/ID/            each complete version (ID sorts by time: yyyyMMddTHHmmssfff-xxxxxxxx)
/// DIR/current -> versions/ID  a symbolic link to the current version (Linux, macOS): a stable path for DuckDB or Spark
/// DIR/.work-*/                working folders of a command in progress (removed when it ends, or by the next switch)
/// </code>
/// <para>Publishing writes the new version under <c>versions/ID.tmp</c>, renames it to <c>versions/ID</c> (the folder is
/// complete before it has a final name), writes <c>CURRENT.tmp-*</c>, flushes it, and renames it over <c>CURRENT</c>:
/// rename(2) on Linux and macOS and MoveFileEx(REPLACE_EXISTING) on Windows replace the file in one step, so there is no
/// moment without a <c>CURRENT</c>. Only then is the <c>current</c> link moved (the same way) and are older versions
/// removed: every version but the new one and the one before it, so a reader that resolved the previous version just
/// before the switch can still finish reading it; unfinished versions and working folders that no running command holds go too.
/// A version a reader still holds open on Windows cannot be deleted and is removed by a later switch.</para>
/// <para>A folder written before versions existed (the files at the top level, the "flat" layout) still reads; its first
/// publish moves it to the versioned layout and removes the flat files.</para>
/// <para>One writer at a time per folder; readers may be many, in any process.</para>
/// </summary>
internal static class VersionedDirectory
{
    /// <summary>The pointer file.</summary>
    public const string PointerFile = "CURRENT";

    /// <summary>The folder of versions.</summary>
    public const string VersionsFolder = "versions";

    /// <summary>The symbolic link to the current version (not on Windows).</summary>
    public const string LinkName = "current";

    /// <summary>Prefix of working folders (<see cref="WorkFolder"/>).</summary>
    public const string WorkPrefix = ".work-";

    /// <summary>
    /// The folder holding the current content of <paramref name="directory"/>: <c>versions/ID</c> named by <c>CURRENT</c>,
    /// else <paramref name="directory"/> itself when <paramref name="flatMarker"/> lies at its top (the flat layout), else null.
    /// </summary>
    public static string? TryResolve(string directory, string flatMarker)
    {
        string pointer = Path.Combine(directory, PointerFile);
        string? id = ReadPointer(pointer);
        if (id is not null) return Path.Combine(directory, VersionsFolder, id);
        return File.Exists(Path.Combine(directory, flatMarker)) ? directory : null;
    }

    /// <summary>True when <paramref name="directory"/> holds a versioned or flat content with <paramref name="flatMarker"/>.</summary>
    public static bool Holds(string directory, string flatMarker) => TryResolve(directory, flatMarker) is not null;

    /// <summary>
    /// True when <paramref name="directory"/> is missing, empty, or holds only what this class writes (a version, a pointer,
    /// working folders): a folder a publish may write into.
    /// </summary>
    public static bool IsOursOrEmpty(string directory, string flatMarker)
    {
        if (!Directory.Exists(directory)) return true;
        if (Holds(directory, flatMarker)) return true;
        return Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName)
            .All(n => n is VersionsFolder or LinkName || n!.StartsWith(WorkPrefix, StringComparison.Ordinal)
                || n.StartsWith(PointerFile + ".tmp-", StringComparison.Ordinal) || n.StartsWith(LinkName + ".tmp-", StringComparison.Ordinal));
    }

    /// <summary>
    /// Writes a new version of <paramref name="directory"/> through <paramref name="fill"/> (given the empty folder to fill)
    /// and makes it the current one atomically; then tidies up (see the class remarks). <paramref name="flatFiles"/> are the
    /// names a flat-layout folder has at its top, removed once the first version is current. Returns the version's folder.
    /// </summary>
    public static async Task<string> PublishAsync(string directory, Func<string, CancellationToken, Task> fill,
        IReadOnlyCollection<string> flatFiles, CancellationToken cancellationToken = default)
    {
        string target = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (File.Exists(target)) throw new TopicEngineException($"{target}: is a file; name a folder");
        bool created = !Directory.Exists(target);
        string versions = Path.Combine(target, VersionsFolder);
        Directory.CreateDirectory(versions);
        string? previous = ReadPointer(Path.Combine(target, PointerFile));
        string id = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}";
        string staging = Path.Combine(versions, id + ".tmp");
        string final = Path.Combine(versions, id);
        Directory.CreateDirectory(staging);
        try
        {
            await fill(staging, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            Directory.Move(staging, final);
        }
        catch
        {
            AtomicFile.TryDeleteDirectory(staging);
            if (created) AtomicFile.TryDeleteDirectory(target);   // a failed first write leaves no folder behind
            else if (!Directory.EnumerateFileSystemEntries(versions).Any()) AtomicFile.TryDeleteDirectory(versions);
            throw;
        }
        Switch(target, id);
        TidyUp(target, id, previous, flatFiles);
        return final;
    }

    /// <summary>Makes <paramref name="id"/> current: the pointer (the commit), then the link.</summary>
    private static void Switch(string target, string id)
    {
        string pointer = Path.Combine(target, PointerFile);
        string temp = $"{pointer}.tmp-{Guid.NewGuid():N}";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(id + "\n"));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, pointer, overwrite: true);   // rename(2) / MoveFileEx(REPLACE_EXISTING): the switch
        if (OperatingSystem.IsWindows()) return;
        string link = Path.Combine(target, LinkName);
        string linkTemp = $"{link}.tmp-{Guid.NewGuid():N}";
        try
        {
            File.CreateSymbolicLink(linkTemp, Path.Combine(VersionsFolder, id));
            if (Rename(linkTemp, link) != 0) throw new IOException($"rename {linkTemp} → {link} failed ({Marshal.GetLastPInvokeError()})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the link is a convenience for other tools; CURRENT is what counts
            try { File.Delete(linkTemp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Removes versions other than the current and the previous one, unfinished versions, stray pointer and link
    /// temporaries, abandoned working folders, and the flat layout's files.</summary>
    private static void TidyUp(string target, string current, string? previous, IReadOnlyCollection<string> flatFiles)
    {
        foreach (var version in Directory.EnumerateDirectories(Path.Combine(target, VersionsFolder)))
        {
            string name = Path.GetFileName(version);
            if (name != current && name != previous) AtomicFile.TryDeleteDirectory(version);
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(target))
        {
            string name = Path.GetFileName(entry);
            bool stale = name.StartsWith(PointerFile + ".tmp-", StringComparison.Ordinal) || name.StartsWith(LinkName + ".tmp-", StringComparison.Ordinal)
                || (name.StartsWith(WorkPrefix, StringComparison.Ordinal) && WorkFolder.IsAbandoned(entry))
                || flatFiles.Contains(name);
            if (!stale) continue;
            if (Directory.Exists(entry) && !IsLink(entry)) AtomicFile.TryDeleteDirectory(entry);
            else try { File.Delete(entry); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>The version named in the pointer file, or null when there is none (or it is empty: never written by us).</summary>
    private static string? ReadPointer(string pointer)
    {
        try
        {
            string id = File.ReadAllText(pointer).Trim();
            if (id.Length == 0 || id.Contains('/') || id.Contains('\\') || id.Contains("..", StringComparison.Ordinal))
                throw new TopicEngineException($"{pointer}: does not name a version; restore the folder or write it again");
            return id;
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string oldPath, string newPath);
}
