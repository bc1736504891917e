using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace TopicEngine.Storage;

/// <summary>A file's SHA-256 (lower-case hex) and size in bytes, as model.json records them.</summary>
internal sealed record FileChecksum(
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("bytes")] long Bytes)
{
    /// <summary>Hashes the file at <paramref name="path"/>.</summary>
    public static async Task<FileChecksum> ComputeAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return new FileChecksum(Convert.ToHexStringLower(hash), stream.Length);
    }
}
