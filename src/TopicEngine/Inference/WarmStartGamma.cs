using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace TopicEngine.Inference;

/// <summary>
/// γ of every training document from the previous pass, streamed beside the fit so that pass p ≥ 2 starts each
/// document's local step from its γ of pass p − 1 (<see cref="TrainingOptions.WarmStart"/>), in bounded memory: only the
/// batch in hand is read or written, never D×K in RAM.
/// <para>Two files by pass parity in <see cref="Folder"/>: pass p (0-based, counted over the whole fit) reads
/// <c>gamma-{(p − 1) % 2}.bin</c> and writes <c>gamma-{p % 2}.bin</c>, each a 32-byte header then D×K float32,
/// row-major in training-document order (held-out documents excluded). The header (magic, K, D, the pass whose γ is
/// complete, or −1 while a pass writes it) is marked −1 before a pass writes its first row and set to p after its last
/// row. So a fit resumed inside pass p finds the file of pass p − 1 untouched and complete, and reads bit for bit the
/// γ the uninterrupted fit read; a file that is missing, of another shape or not complete for pass p − 1 is not used
/// (that pass starts at γ = 1, as the first one does). The trainer lets checkpoints in flight settle before a pass
/// writes (<see cref="TrainingHooks.SettleCheckpoints"/>), so no checkpoint can point back to a pass whose file is being
/// overwritten.</para>
/// <para>Writes go straight to the operating system (<see cref="RandomAccess"/>, no user-space buffer): a process killed
/// after a batch keeps that batch's rows.</para>
/// </summary>
internal sealed class WarmStartGamma : IDisposable
{
    private const int HeaderBytes = 32;
    private const long Magic = 0x31414D4D41474554;   // "TEGAMMA1", little-endian
    private const int Incomplete = -1;

    private readonly long _documents;
    private readonly int _topics;
    private SafeFileHandle? _read, _write;
    private int _pass = -1;

    /// <param name="folder">Where the two files live (created when missing; their content is kept).</param>
    /// <param name="documents">Training documents D.</param>
    /// <param name="topics">K.</param>
    public WarmStartGamma(string folder, long documents, int topics)
    {
        Directory.CreateDirectory(folder);
        Folder = folder;
        _documents = documents;
        _topics = topics;
    }

    /// <summary>The folder of the γ files.</summary>
    public string Folder { get; }

    /// <summary>True when the pass in progress reads γ of the previous pass (set by <see cref="BeginPass"/>).</summary>
    public bool Warm => _read is not null;

    /// <summary>The file that pass <paramref name="pass"/> writes.</summary>
    public string FileOf(int pass) => Path.Combine(Folder, $"gamma-{pass % 2}.bin");

    /// <summary>
    /// Opens pass <paramref name="pass"/> (0-based): the file of pass − 1 for reading when it is complete and of this
    /// fit's shape, and the file of this pass for writing (marked incomplete; rows already there are kept, so a resumed
    /// pass keeps the rows of the batches before it). Returns <see cref="Warm"/>.
    /// </summary>
    public bool BeginPass(int pass)
    {
        ClosePass();
        _pass = pass;
        if (pass >= 1)
        {
            string previous = FileOf(pass - 1);
            if (File.Exists(previous))
            {
                var handle = File.OpenHandle(previous, FileMode.Open, FileAccess.Read, FileShare.Read);
                if (HeaderSays(handle, pass - 1)) _read = handle;
                else handle.Dispose();
            }
        }
        _write = File.OpenHandle(FileOf(pass), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        long length = HeaderBytes + _documents * _topics * sizeof(float);
        if (RandomAccess.GetLength(_write) != length) RandomAccess.SetLength(_write, length);
        WriteHeader(_write, Incomplete);
        return Warm;
    }

    /// <summary>Reads γ of the previous pass for documents [<paramref name="firstDocument"/>, + rows) into
    /// <paramref name="gamma"/> (rows×K). Only while <see cref="Warm"/>.</summary>
    public void Read(long firstDocument, Span<float> gamma)
    {
        if (_read is null) throw new InvalidOperationException("No γ of a previous pass to read.");
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(gamma);
        long offset = Offset(firstDocument, gamma.Length);
        int done = 0;
        while (done < bytes.Length)
        {
            int n = RandomAccess.Read(_read, bytes[done..], offset + done);
            if (n <= 0) throw new IOException($"{FileOf(_pass - 1)}: ended early");
            done += n;
        }
    }

    /// <summary>Writes γ of this pass for documents [<paramref name="firstDocument"/>, + rows) from <paramref name="gamma"/>.</summary>
    public void Write(long firstDocument, ReadOnlySpan<float> gamma)
    {
        if (_write is null) throw new InvalidOperationException("BeginPass must be called before Write.");
        RandomAccess.Write(_write, System.Runtime.InteropServices.MemoryMarshal.AsBytes(gamma), Offset(firstDocument, gamma.Length));
    }

    /// <summary>Marks the file of the pass in progress complete (every row written) and closes both files.</summary>
    public void EndPass()
    {
        if (_write is not null) WriteHeader(_write, _pass);
        ClosePass();
    }

    /// <summary>Removes both files (the fit is complete: nothing can resume it).</summary>
    public void Delete()
    {
        ClosePass();
        for (int p = 0; p < 2; p++)
            try { File.Delete(FileOf(p)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public void Dispose() => ClosePass();

    private long Offset(long firstDocument, int floats)
    {
        if (floats % _topics != 0 || firstDocument < 0 || firstDocument + floats / _topics > _documents)
            throw new ArgumentOutOfRangeException(nameof(firstDocument), "rows outside the training documents");
        return HeaderBytes + firstDocument * _topics * sizeof(float);
    }

    private void ClosePass()
    {
        _read?.Dispose();
        _write?.Dispose();
        _read = _write = null;
    }

    private bool HeaderSays(SafeFileHandle handle, int completePass)
    {
        if (RandomAccess.GetLength(handle) != HeaderBytes + _documents * _topics * sizeof(float)) return false;
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (RandomAccess.Read(handle, header, 0) != HeaderBytes) return false;
        return BinaryPrimitives.ReadInt64LittleEndian(header) == Magic
            && BinaryPrimitives.ReadInt32LittleEndian(header[8..]) == _topics
            && BinaryPrimitives.ReadInt64LittleEndian(header[12..]) == _documents
            && BinaryPrimitives.ReadInt32LittleEndian(header[20..]) == completePass;
    }

    private void WriteHeader(SafeFileHandle handle, int completePass)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        BinaryPrimitives.WriteInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], _topics);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], _documents);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], completePass);
        RandomAccess.Write(handle, header, 0);
    }
}
