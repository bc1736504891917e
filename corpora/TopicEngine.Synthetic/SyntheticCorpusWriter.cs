using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;
using TopicEngine.Storage;
using TopicEngine.Model;
using TopicEngine.Corpus;

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
    public const int BlockSize = 4096;

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
            var block = new SyntheticBlock();
            var text = new DocwordText();
            var docIds = new int[BlockSize];
            for (int start = 0; start < documents; start += BlockSize)
            {
                ct.ThrowIfCancellationRequested();
                int count = Math.Min(BlockSize, documents - start);
                model.GenerateBlock(start, count, block);
                await body.WriteAsync(text.Format(block), ct);
                tokens += block.Tokens;
                nonZeros += block.NonZeros;

                for (int i = 0; i < count; i++) docIds[i] = start + i + 1;
                using (var rowGroup = thetaWriter.CreateRowGroup())
                {
                    await rowGroup.WriteAsync<int>(docField, docIds.AsMemory(0, count), cancellationToken: ct);
                    await ParquetColumns.WriteFixedListAsync(rowGroup, thetaElement, block.Theta.AsMemory(0, count * k), count, k, ct);
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

    /// <summary>Formats a block's <c>docID wordID count</c> lines (1-based ids) as ASCII into a reused
    /// buffer, documents in parallel: each gets room for 36 bytes per line (three numbers of at most
    /// 11 characters, two spaces, a newline), then the rows are packed together.</summary>
    private sealed class DocwordText
    {
        private const int MaxLineBytes = 36;
        private byte[] _buffer = [];
        private int[] _lengths = [];

        public ReadOnlyMemory<byte> Format(SyntheticBlock block)
        {
            int count = block.Count;
            var offsets = block.Offsets;
            if (_buffer.Length < (long)block.NonZeros * MaxLineBytes) _buffer = new byte[block.NonZeros * MaxLineBytes];
            if (_lengths.Length < count) _lengths = new int[count];
            var buffer = _buffer;
            var lengths = _lengths;
            Parallel.For(0, count, d =>
            {
                int docId = block.Start + d + 1;
                var output = buffer.AsSpan(offsets[d] * MaxLineBytes, (offsets[d + 1] - offsets[d]) * MaxLineBytes);
                int at = 0;
                for (int i = offsets[d]; i < offsets[d + 1]; i++)
                {
                    Utf8Formatter.TryFormat(docId, output[at..], out int n); at += n;
                    output[at++] = (byte)' ';
                    Utf8Formatter.TryFormat(block.Terms[i] + 1, output[at..], out n); at += n;
                    output[at++] = (byte)' ';
                    Utf8Formatter.TryFormat((long)block.Counts[i], output[at..], out n); at += n;
                    output[at++] = (byte)'\n';
                }
                lengths[d] = at;
            });
            int packed = 0;
            for (int d = 0; d < count; d++)
            {
                Buffer.BlockCopy(buffer, offsets[d] * MaxLineBytes, buffer, packed, lengths[d]);
                packed += lengths[d];
            }
            return buffer.AsMemory(0, packed);
        }
    }
}
