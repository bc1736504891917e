using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace TopicEngine.Storage;

/// <summary>
/// Reads a 2-D NumPy <c>.npy</c> array of float32 or float64 (little-endian, C order), the format
/// the peer tools' topic-word matrices are exported in (benchmarks/peers). Format: magic
/// "\x93NUMPY", version byte pair, a header length (uint16 in v1, uint32 in v2/v3), then a Python
/// dict literal with 'descr', 'fortran_order' and 'shape', then the raw data. A Fortran-ordered
/// array (numpy writes one after column indexing or a transpose) holds its data column by column;
/// it is transposed on read, so the result is always row-major.
/// </summary>
internal static partial class NpyFile
{
    [GeneratedRegex(@"'descr'\s*:\s*'(?<descr>[^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(?<fortran>True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(\s*(?<rows>\d+)\s*,\s*(?<cols>\d+)\s*,?\s*\)")]
    private static partial Regex ShapePattern();

    /// <summary>Reads the matrix as float32, row-major, with its shape. A damaged, truncated or non-finite file is a
    /// <see cref="TopicEngineException"/> naming it.</summary>
    public static (float[] Values, int Rows, int Columns) ReadMatrix(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        try { return Read(path, stream, reader); }
        catch (EndOfStreamException) { throw new TopicEngineException($"{path}: truncated .npy file (it ends inside the header)"); }
    }

    private static (float[] Values, int Rows, int Columns) Read(string path, Stream stream, BinaryReader reader)
    {
        var magic = reader.ReadBytes(6);
        if (magic.Length != 6 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
            throw new TopicEngineException($"{path}: not a .npy file (bad magic bytes)");
        int major = reader.ReadByte();
        reader.ReadByte();
        long headerLength = major == 1 ? reader.ReadUInt16() : reader.ReadUInt32();
        if (headerLength > stream.Length - stream.Position)
            throw new TopicEngineException($"{path}: truncated .npy file (a header of {headerLength} bytes, {stream.Length - stream.Position} left)");
        string header = Encoding.Latin1.GetString(reader.ReadBytes((int)headerLength));
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new TopicEngineException($"{path}: .npy header is not a 2-D array: {header.Trim().ReplaceLineEndings(" ")}");
        bool fortranOrder = fortran.Groups["fortran"].Value == "True";
        if (!int.TryParse(shape.Groups["rows"].Value, out int rows) || !int.TryParse(shape.Groups["cols"].Value, out int columns))
            throw new TopicEngineException($"{path}: array shape ({shape.Groups["rows"].Value}, {shape.Groups["cols"].Value}) is too large");
        int width = descr.Groups["descr"].Value switch
        {
            "<f4" => 4,
            "<f8" => 8,
            var other => throw new TopicEngineException($"{path}: dtype '{other}' is not supported; save as float32 or float64"),
        };
        long count = (long)rows * columns;
        if (count > Array.MaxLength) throw new TopicEngineException($"{path}: array of {rows}×{columns} is too large");
        long dataBytes = count * width;
        if (dataBytes > stream.Length - stream.Position)
            throw new TopicEngineException($"{path}: truncated: expected {dataBytes} data bytes, found {stream.Length - stream.Position}");
        var values = new float[count];
        var buffer = new byte[width * 4096];
        for (long i = 0; i < count;)
        {
            int n = (int)Math.Min(4096, count - i);
            stream.ReadExactly(buffer, 0, n * width);
            for (int j = 0; j < n; j++, i++)
            {
                float value = width == 4
                    ? BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(j * 4))
                    : (float)BinaryPrimitives.ReadDoubleLittleEndian(buffer.AsSpan(j * 8));
                if (!float.IsFinite(value))
                    throw new TopicEngineException($"{path}: value {value} at element {i} is not a finite number");
                // element i of the file is (i / columns, i % columns) in C order, (i % rows, i / rows) in Fortran order
                long target = fortranOrder ? (i % rows) * columns + i / rows : i;
                values[target] = value;
            }
        }
        return (values, rows, columns);
    }
}
