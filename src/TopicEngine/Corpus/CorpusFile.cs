using System.Text;

namespace TopicEngine.Corpus;

/// <summary>
/// <c>corpus.bin</c>: a counted corpus, written once front to back and read back as a stream in
/// bounded memory. Layout (little-endian):
/// <code>
/// header (40 bytes): "TECORPUS" | int32 version = 1 | int64 documents | int64 tokens | int32 V | int64 non-zeros
/// then per document, in corpus order:
///   key      7-bit length-prefixed UTF-8 (BinaryWriter.Write(string))
///   n        7-bit varint, distinct terms in the document (0 for an empty document)
///   n × (id delta, count) as 7-bit varints; ids ascending, the first delta from 0
/// </code>
/// </summary>
internal static class CorpusFile
{
    public const string FileName = "corpus.bin";
    public const int Version = 1;
    public const int HeaderSize = 40;
    private static ReadOnlySpan<byte> Magic => "TECORPUS"u8;

    /// <summary>The header's counts.</summary>
    internal readonly record struct Header(long Documents, long Tokens, int VocabularySize, long NonZeros);

    internal static void WriteHeader(BinaryWriter writer, Header header)
    {
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(header.Documents);
        writer.Write(header.Tokens);
        writer.Write(header.VocabularySize);
        writer.Write(header.NonZeros);
    }

    internal static Header ReadHeader(BinaryReader reader, string path)
    {
        Span<byte> magic = stackalloc byte[8];
        if (reader.Read(magic) != 8 || !magic.SequenceEqual(Magic))
            throw new TopicEngineException($"{path}: not a TopicEngine corpus file; run 'topic-engine prepare' again");
        int version = reader.ReadInt32();
        if (version != Version)
            throw new TopicEngineException($"{path}: corpus format version {version}, this build reads version {Version}; run 'topic-engine prepare' again");
        return new Header(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt64());
    }

    public static Header ReadHeader(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        return ReadHeader(reader, path);
    }
}

/// <summary>Writes <see cref="CorpusFile"/> documents one at a time; <see cref="Complete"/> fills in the header.</summary>
internal sealed class CorpusFileWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly BinaryWriter _writer;

    public CorpusFileWriter(string path)
    {
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _writer = new BinaryWriter(_file, Encoding.UTF8, leaveOpen: true);
        CorpusFile.WriteHeader(_writer, default);
    }

    public long Documents { get; private set; }
    public long Tokens { get; private set; }
    public long NonZeros { get; private set; }
    public long EmptyDocuments { get; private set; }

    /// <summary>Appends a document: distinct ids in ascending order with positive counts.</summary>
    public void Write(string key, ReadOnlySpan<int> ids, ReadOnlySpan<int> counts)
    {
        _writer.Write(key);
        _writer.Write7BitEncodedInt(ids.Length);
        int previous = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            _writer.Write7BitEncodedInt(ids[i] - previous);
            _writer.Write7BitEncodedInt(counts[i]);
            previous = ids[i];
            Tokens += counts[i];
        }
        NonZeros += ids.Length;
        if (ids.Length == 0) EmptyDocuments++;
        Documents++;
    }

    /// <summary>Writes the header with the final counts and flushes to disk.</summary>
    public void Complete(int vocabularySize)
    {
        _writer.Flush();
        _file.Position = 0;
        CorpusFile.WriteHeader(_writer, new CorpusFile.Header(Documents, Tokens, vocabularySize, NonZeros));
        _writer.Flush();
        _file.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }
}

/// <summary>Reads <see cref="CorpusFile"/> documents front to back.</summary>
internal sealed class CorpusFileReader : IDisposable
{
    private readonly BinaryReader _reader;
    private readonly string _path;
    private long _read;

    public CorpusFileReader(string path)
    {
        _path = path;
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        _reader = new BinaryReader(file, Encoding.UTF8);
        Header = CorpusFile.ReadHeader(_reader, path);
    }

    public CorpusFile.Header Header { get; }

    /// <summary>Reads the next document into <paramref name="ids"/> and <paramref name="counts"/> (cleared first); false at the end.</summary>
    public bool TryRead(out string key, List<int> ids, List<int> counts)
    {
        ids.Clear();
        counts.Clear();
        if (_read == Header.Documents) { key = ""; return false; }
        try
        {
            key = _reader.ReadString();
            int n = _reader.Read7BitEncodedInt();
            int id = 0;
            for (int i = 0; i < n; i++)
            {
                id += _reader.Read7BitEncodedInt();
                ids.Add(id);
                counts.Add(_reader.Read7BitEncodedInt());
            }
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new TopicEngineException($"{_path}: truncated or damaged at document {_read + 1} of {Header.Documents}; run 'topic-engine prepare' again", e);
        }
        _read++;
        return true;
    }

    /// <summary>The rest of the file as batches of <paramref name="batchSize"/> documents (the last may be smaller).</summary>
    public IEnumerable<SparseBatch> ReadBatches(int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        var keys = new List<string>(batchSize);
        var offsets = new List<int>(batchSize + 1) { 0 };
        var batchIds = new List<int>();
        var batchCounts = new List<float>();
        var ids = new List<int>();
        var counts = new List<int>();
        while (TryRead(out string key, ids, counts))
        {
            keys.Add(key);
            batchIds.AddRange(ids);
            foreach (int c in counts) batchCounts.Add(c);
            offsets.Add(batchIds.Count);
            if (keys.Count == batchSize)
            {
                yield return new SparseBatch(keys.ToArray(), offsets.ToArray(), batchIds.ToArray(), batchCounts.ToArray());
                keys.Clear();
                offsets.Clear();
                offsets.Add(0);
                batchIds.Clear();
                batchCounts.Clear();
            }
        }
        if (keys.Count > 0)
            yield return new SparseBatch(keys.ToArray(), offsets.ToArray(), batchIds.ToArray(), batchCounts.ToArray());
    }

    public void Dispose() => _reader.Dispose();
}
