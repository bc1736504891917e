using TopicEngine.Storage;

namespace TopicEngine.Tests;

/// <summary>Where the files of a model directory or prepared corpus live now: its current version's folder
/// (<see cref="VersionedDirectory"/>), which is also the path the library names in its errors.</summary>
internal static class CurrentVersion
{
    public static string Folder(string directory) =>
        VersionedDirectory.TryResolve(directory, "model.json") ?? VersionedDirectory.TryResolve(directory, "corpus.json")
        ?? throw new InvalidOperationException($"{directory} holds neither a model nor a prepared corpus");

    /// <summary>The path of <paramref name="name"/> in the current version of <paramref name="directory"/>.</summary>
    public static string File(string directory, string name) => Path.Combine(Folder(directory), name);

    /// <summary>The path of a file of the current version, named as "folder/file" relative to <paramref name="dir"/>.</summary>
    public static string Current(this TempDirectory dir, string relative) =>
        File(dir.File(Path.GetDirectoryName(relative)!), Path.GetFileName(relative));
}
