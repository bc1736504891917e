using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;
using TopicEngine.Output;

namespace TopicEngine.Synthetic;

/// <summary>Progress of <see cref="SyntheticCorpusWriter.WriteAsync"/>: documents written so far.</summary>
internal readonly record struct SyntheticProgress(long Documents, long TotalDocuments, long Tokens, TimeSpan Elapsed);

/// <summary>What <see cref="SyntheticCorpusWriter.WriteAsync"/> wrote.</summary>
internal readonly record struct SyntheticSummary(long Documents, long Tokens, long NonZeros, long TopicEntries, TimeSpan Elapsed);

/// <summary>
/// Writes a synthetic corpus to a directory, streaming (documents are generated block by block and
/// never held): <c>docword.synthetic.txt</c> (UCI bag-of-words: D, V, NNZ header lines, then
/// <c>docID wordID count</c> with 1-based ids), <c>vocab.synthetic.txt</c> (term names
/// <c>w0…</c>, line i = word id i), <c>true_topics.parquet</c> (topic_id int32, term_id int32,
/// probability float: every β_kw ≥ <see cref="TopicProbabilityThreshold"/>, per topic in descending
/// probability; ids 0-based) and <c>true_doc_topics.parquet</c> (doc_id int32 = the 1-based docID
/// of docword, theta list&lt;float&gt; of length K). The directory appears only when complete.
/// </summary>
internal static class SyntheticCorpusWriter
{
    public const string DocwordFile = "docword.synthetic.txt";
    public const string VocabFile = "vocab.synthetic.txt";
    public const string TrueTopicsFile = "true_topics.parquet";
    public const string TrueDocTopicsFile = "true_doc_topics.parquet";

    /// <summary>Entries of β below this are left out of true_topics.parquet (to keep it small).</summary>
    public const float TopicProbabilityThreshold = 1e-6f;

    /// <summary>Documents generated (and written as one Parquet row group) at a time.</summary>
    public const int BlockSize = 8192;

    private static readonly string[] OwnFiles = [DocwordFile, VocabFile, TrueTopicsFile, TrueDocTopicsFile];

    public static async Task<SyntheticSummary> WriteAsync(SyntheticLdaOptions options, string outDirectory,
        IProgress<SyntheticProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        RefuseForeignDirectory(outDirectory);
        var clock = Stopwatch.StartNew();
        SyntheticSummary summary = default;
        await AtomicFile.WriteDirectoryAsync(outDirectory, async (dir, ct) =>
        {
            var model = new SyntheticLda(options);
            WriteVocabulary(Path.Combine(dir, VocabFile), options.VocabularySize);
            long topicEntries = await WriteTrueTopicsAsync(Path.Combine(dir, TrueTopicsFile), model, ct);
            var (tokens, nonZeros) = await WriteDocumentsAsync(dir, model, progress, clock, ct);
            summary = new SyntheticSummary(options.Documents, tokens, nonZeros, topicEntries, clock.Elapsed);
        }, cancellationToken);
        return summary;
    }

    /// <summary>Term name of 0-based id <paramref name="id"/> for a vocabulary of <paramref name="size"/>: "w" and zero-padded digits.</summary>
    public static string TermName(int id, int size) =>
        "w" + id.ToString(CultureInfo.InvariantCulture).PadLeft(Math.Max(1, (size - 1).ToString(CultureInfo.InvariantCulture).Length), '0');

    private static void RefuseForeignDirectory(string outDirectory)
    {
        if (File.Exists(outDirectory))
            throw new TopicEngineException($"{outDirectory}: is a file; --out must name a directory.");
        if (!Directory.Exists(outDirectory)) return;
        var foreign = Directory.EnumerateFileSystemEntries(outDirectory)
            .FirstOrDefault(e => !OwnFiles.Contains(Path.GetFileName(e), StringComparer.Ordinal));
        if (foreign is not null)
            throw new TopicEngineException($"{outDirectory}: exists and holds {Path.GetFileName(foreign)}, which generate did not write; choose an empty or new --out.");
    }

    private static void WriteVocabulary(string path, int size)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.NewLine = "\n";
        for (int w = 0; w < size; w++) writer.WriteLine(TermName(w, size));
    }

    private static async Task<long> WriteTrueTopicsAsync(string path, SyntheticLda model, CancellationToken ct)
    {
        var topicField = new DataField<int>("topic_id");
        var termField = new DataField<int>("term_id");
        var probabilityField = new DataField<float>("probability");
        var schema = new ParquetSchema(topicField, termField, probabilityField);
        int v = model.VocabularySize;
        long total = 0;
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, ParquetColumns.Options(), cancellationToken: ct);
        writer.CustomMetadata = new Dictionary<string, string>
        {
            ["min_probability"] = TopicProbabilityThreshold.ToString("R", CultureInfo.InvariantCulture),
        };
        for (int k = 0; k < model.Topics; k++)
        {
            var beta = model.TopicWord.AsSpan(k * v, v);
            var ids = new List<int>();
            for (int w = 0; w < v; w++)
                if (beta[w] >= TopicProbabilityThreshold) ids.Add(w);
            var terms = ids.ToArray();
            var probabilities = terms.Select(w => model.TopicWord[k * v + w]).ToArray();
            Array.Sort(probabilities, terms, Comparer<float>.Create((a, b) => b.CompareTo(a)));
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync<int>(topicField, Enumerable.Repeat(k, terms.Length).ToArray(), cancellationToken: ct);
            await rowGroup.WriteAsync<int>(termField, terms, cancellationToken: ct);
            await rowGroup.WriteAsync<float>(probabilityField, probabilities, cancellationToken: ct);
            total += terms.Length;
        }
        return total;
    }

    private static async Task<(long Tokens, long NonZeros)> WriteDocumentsAsync(string dir, SyntheticLda model,
        IProgress<SyntheticProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        var docField = new DataField<int>("doc_id");
        var thetaField = ParquetColumns.FloatList("theta");
        var schema = new ParquetSchema(docField, thetaField);
        var thetaElement = ParquetColumns.ListElement(schema, "theta");
        int k = model.Topics, documents = model.DocumentCount;
        long tokens = 0, nonZeros = 0;

        // The docword header needs NNZ, known only at the end: the body goes to a scratch file first.
        string bodyPath = Path.Combine(dir, ".docword.body");
        await using (var body = new FileStream(bodyPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        await using (var thetaStream = File.Create(Path.Combine(dir, TrueDocTopicsFile)))
        await using (var thetaWriter = await ParquetWriter.CreateAsync(schema, thetaStream, ParquetColumns.Options(), cancellationToken: ct))
        {
            for (int start = 0; start < documents; start += BlockSize)
            {
                ct.ThrowIfCancellationRequested();
                int count = Math.Min(BlockSize, documents - start);
                var theta = new float[count * k];
                var batch = model.GenerateBlock(start, count, theta);
                var text = FormatDocwordLines(batch);
                await body.WriteAsync(text, ct);
                tokens += batch.TokenCount;
                nonZeros += batch.NonZeroCount;

                using (var rowGroup = thetaWriter.CreateRowGroup())
                {
                    await rowGroup.WriteAsync<int>(docField, Enumerable.Range(start + 1, count).ToArray(), cancellationToken: ct);
                    await ParquetColumns.WriteFixedListAsync(rowGroup, thetaElement, theta, count, k, ct);
                }
                progress?.Report(new SyntheticProgress(start + count, documents, tokens, clock.Elapsed));
            }
        }

        await using (var docword = new FileStream(Path.Combine(dir, DocwordFile), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{documents}\n{model.VocabularySize}\n{nonZeros}\n"));
            await docword.WriteAsync(header, ct);
            await using (var body = new FileStream(bodyPath, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 20))
                await body.CopyToAsync(docword, 1 << 20, ct);
        }
        File.Delete(bodyPath);
        return (tokens, nonZeros);
    }

    /// <summary>The block's <c>docID wordID count</c> lines (1-based ids) as ASCII, formatted in parallel per document.</summary>
    private static ReadOnlyMemory<byte> FormatDocwordLines(Corpus.SparseBatch batch)
    {
        var lines = new byte[batch.DocumentCount][];
        Parallel.For(0, batch.DocumentCount, d =>
        {
            var terms = batch.DocumentTerms(d);
            var counts = batch.DocumentCounts(d);
            int docId = int.Parse(batch.Keys[d], CultureInfo.InvariantCulture);
            var buffer = new byte[terms.Length * 32];
            int at = 0;
            for (int i = 0; i < terms.Length; i++)
            {
                Utf8Formatter.TryFormat(docId, buffer.AsSpan(at), out int n); at += n;
                buffer[at++] = (byte)' ';
                Utf8Formatter.TryFormat(terms[i] + 1, buffer.AsSpan(at), out n); at += n;
                buffer[at++] = (byte)' ';
                Utf8Formatter.TryFormat((long)counts[i], buffer.AsSpan(at), out n); at += n;
                buffer[at++] = (byte)'\n';
            }
            lines[d] = buffer[..at];
        });
        var all = new byte[lines.Sum(l => l.Length)];
        int offset = 0;
        foreach (var line in lines)
        {
            line.CopyTo(all, offset);
            offset += line.Length;
        }
        return all;
    }
}
