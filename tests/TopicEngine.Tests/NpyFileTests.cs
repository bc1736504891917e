using System.Text;
using TopicEngine.Storage;
using TopicEngine.Model;
using TopicEngine.Corpus;

namespace TopicEngine.Tests;

public sealed class NpyFileTests
{
    private static byte[] Npy(string descr, string shape, byte[] data, bool fortran = false)
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int padded = (header.Length + 11 + 63) / 64 * 64 - 10;
        header = header.PadRight(padded - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.AddRange([1, 0, (byte)(header.Length & 0xff), (byte)(header.Length >> 8)]);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    [Fact]
    public void ReadsFloat32MatrixInRowMajorOrder()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "m.npy");
        var values = new float[] { 1, 2, 3, 4, 5, 6 };
        File.WriteAllBytes(path, Npy("<f4", "(2, 3)", values.SelectMany(BitConverter.GetBytes).ToArray()));
        var (read, rows, columns) = NpyFile.ReadMatrix(path);
        Assert.Equal((2, 3), (rows, columns));
        Assert.Equal(values, read);
    }

    /// <summary>numpy writes Fortran order after column indexing or a transpose (np.save(m[:, idx])): data column by
    /// column. It used to be refused; it is transposed on read.</summary>
    [Fact]
    public void ReadsAFortranOrderedMatrixAsRowMajor()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "f.npy");
        // the 2×3 matrix [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6
        var columnMajor = new double[] { 1, 4, 2, 5, 3, 6 };
        File.WriteAllBytes(path, Npy("<f8", "(2, 3)", columnMajor.SelectMany(BitConverter.GetBytes).ToArray(), fortran: true));
        var (read, rows, columns) = NpyFile.ReadMatrix(path);
        Assert.Equal((2, 3), (rows, columns));
        Assert.Equal([1f, 2, 3, 4, 5, 6], read);
    }

    [Fact]
    public void ReadsFloat64AsFloat32()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "m.npy");
        File.WriteAllBytes(path, Npy("<f8", "(1, 2)", new double[] { 0.25, -3 }.SelectMany(BitConverter.GetBytes).ToArray()));
        Assert.Equal([0.25f, -3f], NpyFile.ReadMatrix(path).Values);
    }

    [Fact]
    public void TruncatedDataNamesTheFile()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "short.npy");
        File.WriteAllBytes(path, Npy("<f4", "(2, 2)", new byte[8]));
        var error = Assert.Throws<TopicEngineException>(() => NpyFile.ReadMatrix(path));
        Assert.Contains("short.npy", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void IntegerArraysAreRefusedWithTheDtype()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "int.npy");
        File.WriteAllBytes(path, Npy("<i8", "(1, 1)", new byte[8]));
        Assert.Contains("'<i8'", Assert.Throws<TopicEngineException>(() => NpyFile.ReadMatrix(path)).Message);
    }
}
