using System.Runtime.CompilerServices;

using TopicEngine.Storage;

namespace TopicEngine.Model;

/// <summary>Reads <c>doc_topics.parquet</c> (as <see cref="DocTopicsWriter"/> writes it) row group by row group.</summary>
internal static class DocTopicsFile
{
    private const string Expected = "doc_key string, topic_id int32, probability float, theta list<float>, gamma list<float>, entropy float, token_count int64";

    /// <summary>Streams the rows in file order; θ and γ must hold <paramref name="topics"/> values each.</summary>
    public static async IAsyncEnumerable<DocTopicsRow> ReadAsync(string path, int topics,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetColumns.OpenAsync(path, cancellationToken);
        var (keyField, topicField, probabilityField, entropyField, tokenField) = (
            ParquetColumns.Column<string>(reader, "doc_key", path, Expected),
            ParquetColumns.Column<int>(reader, "topic_id", path, Expected),
            ParquetColumns.Column<float>(reader, "probability", path, Expected),
            ParquetColumns.Column<float>(reader, "entropy", path, Expected),
            ParquetColumns.Column<long>(reader, "token_count", path, Expected));
        var thetaField = ParquetColumns.ListElement(reader.Schema, "theta");
        var gammaField = ParquetColumns.ListElement(reader.Schema, "gamma");
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            var group = await ParquetColumns.GuardAsync(path, async () =>
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                var keys = new string?[rowGroup.RowCount];
                await rowGroup.ReadAsync(keyField, keys.AsMemory(), null, cancellationToken);
                return (keys,
                    topic: await ParquetColumns.ReadColumnAsync<int>(rowGroup, topicField, path, cancellationToken),
                    probability: await ParquetColumns.ReadColumnAsync<float>(rowGroup, probabilityField, path, cancellationToken),
                    theta: await ParquetColumns.ReadFixedListAsync(rowGroup, thetaField, topics, path, cancellationToken),
                    gamma: await ParquetColumns.ReadFixedListAsync(rowGroup, gammaField, topics, path, cancellationToken),
                    entropy: await ParquetColumns.ReadColumnAsync<float>(rowGroup, entropyField, path, cancellationToken),
                    tokens: await ParquetColumns.ReadColumnAsync<long>(rowGroup, tokenField, path, cancellationToken));
            });
            for (int i = 0; i < group.keys.Length; i++)
                yield return new DocTopicsRow(group.keys[i] ?? "", group.topic[i], group.probability[i],
                    group.theta.AsSpan(i * topics, topics).ToArray(), group.gamma.AsSpan(i * topics, topics).ToArray(),
                    group.entropy[i], group.tokens[i]);
        }
    }
}
