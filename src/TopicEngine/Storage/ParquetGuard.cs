using System.Reflection;
using System.Runtime.ExceptionServices;
using Parquet;
using Parquet.Meta;

namespace TopicEngine.Storage;

/// <summary>
/// Opens Parquet files so that a damaged one ends in an exception instead of a hang (issue 15). Parquet.Net 6.1.0 reads
/// Thrift (the footer and every page header) with <c>(byte)stream.ReadByte()</c>: at the end of the bytes that is
/// <c>(byte)-1 = 0xFF</c>, a varint continuation byte, so a footer or page header that runs past its end spins forever in
/// <c>ReadVarInt32</c> (found by <c>ReaderFuzzTests</c>: 1 damaged file in 200 to 700). Two guards, before and around the library:
/// <list type="bullet">
/// <item>the footer is checked (magic bytes, its length against the file's) and parsed by Parquet.Net's own
/// <c>FileMetaData.Read</c> over a stream that throws at its end: the library's later parse of the same bytes takes the same
/// path, so a footer that passes cannot run off its end there;</item>
/// <item>the file is handed to Parquet.Net in a stream whose <see cref="Stream.ReadByte"/> throws at the end of the file
/// instead of returning −1 (page headers are read from it directly).</item>
/// </list>
/// </summary>
internal static class ParquetGuard
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>Checks the footer of <paramref name="stream"/> (readable and seekable), then opens a reader over it that
    /// disposes it. Whatever a damaged file throws is left for the caller to name the file.</summary>
    public static async Task<ParquetReader> OpenAsync(Stream stream, ParquetOptions options, CancellationToken cancellationToken = default)
    {
        try
        {
            await CheckFooterAsync(stream, cancellationToken);
            stream.Position = 0;
            return await ParquetReader.CreateAsync(new EndThrowingStream(stream), options, leaveStreamOpen: false, cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>The footer of a Parquet file: <c>PAR1</c> … metadata, its length (int32, little-endian), <c>PAR1</c>.</summary>
    private static async Task CheckFooterAsync(Stream stream, CancellationToken cancellationToken)
    {
        long length = stream.Length;
        if (length < 12) throw new InvalidDataException($"{length} bytes is too short for a Parquet file");
        var head = new byte[4];
        var tail = new byte[8];
        stream.Position = 0;
        await stream.ReadExactlyAsync(head, cancellationToken);
        stream.Position = length - 8;
        await stream.ReadExactlyAsync(tail, cancellationToken);
        if (!head.AsSpan().SequenceEqual(Magic) || !tail.AsSpan(4).SequenceEqual(Magic))
            throw new InvalidDataException("it does not begin and end with PAR1");
        int footerLength = BitConverter.ToInt32(tail, 0);
        if (footerLength <= 0 || footerLength > length - 12)
            throw new InvalidDataException($"its footer length {footerLength} does not fit in its {length} bytes");
        var footer = new byte[footerLength];
        stream.Position = length - 8 - footerLength;
        await stream.ReadExactlyAsync(footer, cancellationToken);
        ParseMetadata(footer);
    }

    // Parquet.Net's own Thrift parser of the footer (internal in 6.1.0; a later version without it fails every Parquet test).
    private static readonly Lazy<(ConstructorInfo Protocol, MethodInfo Read)> MetadataParser = new(() =>
    {
        const string protocolName = "Parquet.Meta.Proto.ThriftCompactProtocolReader";
        var protocol = typeof(FileMetaData).Assembly.GetType(protocolName)
            ?? throw new InvalidOperationException($"Parquet.Net has no {protocolName}: update ParquetGuard");
        var constructor = protocol.GetConstructor([typeof(Stream)])
            ?? throw new InvalidOperationException($"{protocolName} has no constructor taking a Stream: update ParquetGuard");
        var read = typeof(FileMetaData).GetMethod("Read", BindingFlags.NonPublic | BindingFlags.Static, [protocol])
            ?? throw new InvalidOperationException($"Parquet.Net's FileMetaData has no Read({protocolName}): update ParquetGuard");
        return (constructor, read);
    });

    private static void ParseMetadata(byte[] footer)
    {
        var (protocol, read) = MetadataParser.Value;
        using var bytes = new EndThrowingStream(new MemoryStream(footer, writable: false));
        try
        {
            read.Invoke(null, [protocol.Invoke([bytes])]);
        }
        catch (TargetInvocationException e) when (e.InnerException is EndOfStreamException)
        {
            throw new InvalidDataException($"its footer metadata runs past its {footer.Length} bytes");
        }
        catch (TargetInvocationException e) when (e.InnerException is OutOfMemoryException)
        {
            // A list header declaring billions of elements: the parser sizes its list before reading any.
            throw new InvalidDataException($"its footer metadata declares a list too large for its {footer.Length} bytes");
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    /// <summary>A read-only view of a seekable stream whose <see cref="ReadByte"/> throws at the end instead of returning −1.</summary>
    private sealed class EndThrowingStream(Stream inner) : Stream
    {
        public override int ReadByte() => inner.ReadByte() is var b and >= 0 ? b : throw new EndOfStreamException("read past the end");

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
