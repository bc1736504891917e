namespace TopicEngine.Storage;

/// <summary>
/// A command's temporary folder inside the folder it writes (<c>DIR/.work-PURPOSE-GUID</c>, see
/// <see cref="VersionedDirectory"/>), so that nothing is left beside it: disposing removes the work folder, and
/// <c>DIR</c> too when this created it and it is still empty (a failed first fit leaves no output). A work folder left by
/// a killed run is removed by the next successful publish into <c>DIR</c>.
/// </summary>
internal sealed class WorkFolder : IDisposable
{
    private readonly string _parent;
    private readonly bool _createdParent;

    private WorkFolder(string parent, bool createdParent, string path)
    {
        _parent = parent;
        _createdParent = createdParent;
        Path = path;
    }

    /// <summary>The work folder (full path), created.</summary>
    public string Path { get; }

    /// <summary>Creates <c>DIR/.work-PURPOSE-GUID</c> (and DIR when missing).</summary>
    public static WorkFolder Create(string directory, string purpose)
    {
        string parent = System.IO.Path.GetFullPath(directory);
        if (File.Exists(parent)) throw new TopicEngineException($"{parent}: is a file; name a folder");
        bool created = !Directory.Exists(parent);
        string path = System.IO.Path.Combine(parent, $"{VersionedDirectory.WorkPrefix}{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new WorkFolder(parent, created, path);
    }

    /// <summary>Removes the work folder, and the parent when this created it and nothing else was written there.</summary>
    public void Dispose()
    {
        AtomicFile.TryDeleteDirectory(Path);
        try
        {
            if (_createdParent && Directory.Exists(_parent) && !Directory.EnumerateFileSystemEntries(_parent).Any()) Directory.Delete(_parent);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
