namespace TopicEngine.Storage;

/// <summary>
/// A command's temporary folder inside the folder it writes (<c>DIR/.work-PURPOSE-GUID</c>, see
/// <see cref="VersionedDirectory"/>), so that nothing is left beside it: disposing removes the work folder, and
/// <c>DIR</c> too when this created it and it is still empty (a failed first fit leaves no output). While it exists its
/// <c>.lock</c> file is held open exclusively (an OS lock that dies with the process), so the next successful publish
/// into <c>DIR</c> can tell a work folder left by a killed run (lock free: removed) from one in use (lock held: kept).
/// </summary>
internal sealed class WorkFolder : IDisposable
{
    private readonly string _parent;
    private readonly bool _createdParent;

    private readonly FileStream _lock;
    private bool _keep;

    private WorkFolder(string parent, bool createdParent, string path)
    {
        _parent = parent;
        _createdParent = createdParent;
        Path = path;
        _lock = new FileStream(System.IO.Path.Combine(path, LockFile), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
    }

    /// <summary>The lock file inside a work folder.</summary>
    public const string LockFile = ".lock";

    /// <summary>True when <paramref name="path"/> is a work folder that no running command holds (its lock can be taken).</summary>
    public static bool IsAbandoned(string path)
    {
        try
        {
            using var probe = new FileStream(System.IO.Path.Combine(path, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>The work folder (full path), created.</summary>
    public string Path { get; }

    /// <summary>Creates <c>DIR/.work-PURPOSE-GUID</c> (and DIR when missing).</summary>
    public static WorkFolder Create(string directory, string purpose) => Open(directory, $"{purpose}-{Guid.NewGuid():N}");

    /// <summary>
    /// Opens <c>DIR/.work-PURPOSE</c>, a work folder with a fixed name whose content outlives a killed process (a fit's
    /// warm-start γ, read again by <c>fit --resume</c>): created when missing, its files kept. Held like any work folder
    /// while open; disposing removes it unless <see cref="Keep"/> was called.
    /// </summary>
    public static WorkFolder OpenNamed(string directory, string purpose)
    {
        try { return Open(directory, purpose); }
        catch (IOException e) { throw new TopicEngineException($"{System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), VersionedDirectory.WorkPrefix + purpose)}: in use by another command ({e.Message})", e); }
    }

    /// <summary>Creates (or reuses) <c>DIR/.work-NAME</c> and DIR when missing, and takes its lock.</summary>
    private static WorkFolder Open(string directory, string name)
    {
        string parent = System.IO.Path.GetFullPath(directory);
        if (File.Exists(parent)) throw new TopicEngineException($"{parent}: is a file; name a folder");
        bool created = !Directory.Exists(parent);
        string path = System.IO.Path.Combine(parent, $"{VersionedDirectory.WorkPrefix}{name}");
        Directory.CreateDirectory(path);
        return new WorkFolder(parent, created, path);
    }

    /// <summary>Disposing then only releases the folder (its content stays for a later run).</summary>
    public void Keep() => _keep = true;

    /// <summary>Removes the work folder, and the parent when this created it and nothing else was written there.</summary>
    public void Dispose()
    {
        _lock.Dispose();
        if (_keep) return;
        AtomicFile.TryDeleteDirectory(Path);
        try
        {
            if (_createdParent && Directory.Exists(_parent) && !Directory.EnumerateFileSystemEntries(_parent).Any()) Directory.Delete(_parent);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
