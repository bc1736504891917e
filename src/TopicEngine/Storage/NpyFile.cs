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

    /// <summary>Reads the matrix as float32, row-major, with its shape.</summary>
    public static (float[] Values, int Rows, int Columns) ReadMatrix(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(6);
        if (magic.Length != 6 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
            throw new TopicEngineException($"{path}: not a .npy file (bad magic bytes)");
        int major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        string header = Encoding.Latin1.GetString(reader.ReadBytes(headerLength));
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new TopicEngineException($"{path}: .npy header is not a 2-D array: {header.Trim()}");
        bool fortranOrder = fortran.Groups["fortran"].Value == "True";
        int rows = int.Parse(shape.Groups["rows"].Value), columns = int.Parse(shape.Groups["cols"].Value);
        long count = (long)rows * columns;
        if (count > Array.MaxLength) throw new TopicEngineException($"{path}: array of {rows}×{columns} is too large");
        var values = new float[count];
        int width = descr.Groups["descr"].Value switch
        {
            "<f4" => 4,
            "<f8" => 8,
            var other => throw new TopicEngineException($"{path}: dtype '{other}' is not supported; save as float32 or float64"),
        };
        var bytes = reader.ReadBytes(checked((int)(count * width)));
        if (bytes.Length != count * width)
            throw new TopicEngineException($"{path}: truncated: expected {count * width} data bytes, found {bytes.Length}");
        for (long i = 0; i < count; i++)
        {
            // element i of the file is (i / columns, i % columns) in C order, (i % rows, i / rows) in Fortran order
            long target = fortranOrder ? (i % rows) * columns + i / rows : i;
            values[target] = width == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(i * 4)))
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan((int)(i * 8)));
        }
        return (values, rows, columns);
    }
}
