using System.IO.Compression;
using Parquet;
using Parquet.Schema;
using TopicEngine.Text;

using TopicEngine.Storage;

namespace TopicEngine.Corpus;

/// <summary>
/// <c>vocabulary.parquet</c>: one row per term in id order, columns <c>term_id</c> int32,
/// <c>term</c> string, <c>df</c> int64 (documents containing the term), <c>cf</c> int64 (total
/// occurrences). Written atomically (a temporary file beside the target, then a rename).
/// </summary>
internal static class VocabularyFile
{
    public const string FileName = "vocabulary.parquet";

    private static readonly DataField<int> TermId = new("term_id", nullable: false);
    private static readonly DataField<string> Term = new("term", nullable: false);
    private static readonly DataField<long> Df = new("df", nullable: false);
    private static readonly DataField<long> Cf = new("cf", nullable: false);
    private static readonly ParquetSchema Schema = new(TermId, Term, Df, Cf);

    public static Task WriteAsync(Vocabulary vocabulary, string path, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            int n = vocabulary.Count;
            var ids = new int[n];
            var df = new long[n];
            var cf = new long[n];
            for (int i = 0; i < n; i++)
            {
                ids[i] = i;
                df[i] = vocabulary.DocumentFrequency(i);
                cf[i] = vocabulary.CollectionFrequency(i);
            }
            var options = new ParquetOptions { CompressionLevel = CompressionLevel.Optimal };
            await using var writer = await ParquetWriter.CreateAsync(Schema, stream, options, cancellationToken: ct);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(TermId, ids.AsMemory(), null, null, ct);
            await group.WriteAsync(Term, vocabulary.Terms.ToArray(), null);
            await group.WriteAsync<long>(Df, df.AsMemory(), null, null, ct);
            await group.WriteAsync<long>(Cf, cf.AsMemory(), null, null, ct);
        }, cancellationToken);

    public static async Task<Vocabulary> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new TopicEngineException($"{path} does not exist");
        var ids = new List<int>();
        var terms = new List<string?>();
        var df = new List<long>();
        var cf = new List<long>();
        try
        {
            await using var reader = await ParquetGuard.OpenAsync(File.OpenRead(path), new ParquetOptions(), cancellationToken);
            var fields = reader.Schema.GetDataFields();
            DataField Field(string name) => fields.FirstOrDefault(f => f.Name == name)
                ?? throw new TopicEngineException($"{path}: no column '{name}'; expected term_id, term, df, cf");
            DataField idField = Field("term_id"), termField = Field("term"), dfField = Field("df"), cfField = Field("cf");
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int rows = checked((int)group.RowCount);
                var idValues = new int[rows];
                var termValues = new string?[rows];
                var dfValues = new long[rows];
                var cfValues = new long[rows];
                await group.ReadAsync<int>(idField, idValues.AsMemory(), null, cancellationToken);
                await group.ReadAsync(termField, termValues.AsMemory(), null, cancellationToken);
                await group.ReadAsync<long>(dfField, dfValues.AsMemory(), null, cancellationToken);
                await group.ReadAsync<long>(cfField, cfValues.AsMemory(), null, cancellationToken);
                ids.AddRange(idValues);
                terms.AddRange(termValues);
                df.AddRange(dfValues);
                cf.AddRange(cfValues);
            }
        }
        catch (Exception e) when (e is not TopicEngineException and not OperationCanceledException)
        {
            throw new TopicEngineException($"{path}: cannot read the vocabulary ({e.Message})", e);
        }

        var order = Enumerable.Range(0, ids.Count).OrderBy(i => ids[i]).ToArray();
        var vocabulary = new Vocabulary();
        for (int row = 0; row < order.Length; row++)
        {
            int i = order[row];
            if (ids[i] != row) throw new TopicEngineException($"{path}: term ids are not 0..{ids.Count - 1} (found {ids[i]} where {row} was expected)");
            string term = terms[i] ?? throw new TopicEngineException($"{path}: term {ids[i]} is null");
            if (vocabulary.Add(term, df[i], cf[i]) != row) throw new TopicEngineException($"{path}: term '{term}' appears twice");
        }
        return vocabulary;
    }

    /// <summary>Reads on a worker thread and waits (for synchronous callers).</summary>
    public static Vocabulary Read(string path) => Task.Run(() => ReadAsync(path)).GetAwaiter().GetResult();
}
