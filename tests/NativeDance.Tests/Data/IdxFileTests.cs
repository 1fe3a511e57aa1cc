using NativeDance.Data.FashionMnist;

namespace NativeDance.Tests.Data;

public class IdxFileTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsPlainAndGzippedFiles(bool gzip)
    {
        using var dir = new TempDirectory();
        var data = Enumerable.Range(0, 3 * 5 * 7).Select(i => (byte)(i * 11)).ToArray();
        string path = dir.Combine("images.idx");
        IdxWriter.Write(path, IdxWriter.Encode([3, 5, 7], data), gzip);
        var array = IdxFile.Read(path);
        Assert.Equal([3, 5, 7], array.Dimensions);
        Assert.Equal(data, array.Data);
    }

    [Fact]
    public void ReadsLargeGzippedDataThatGrowsItsBuffer()
    {
        using var dir = new TempDirectory();
        var data = new byte[3 << 20];
        new Random(4).NextBytes(data);
        string path = dir.Combine("big.gz");
        IdxWriter.Write(path, IdxWriter.Encode([3, 1024, 1024], data), gzip: true);
        Assert.Equal(data, IdxFile.Read(path).Data);
    }

    public static TheoryData<string, byte[], string> MalformedFiles => new()
    {
        { "empty", [], "ends inside the header" },
        { "short magic", [0, 0, 8], "ends inside the header" },
        { "bad magic", [1, 2, 8, 1, 0, 0, 0, 1, 5], "not an IDX file" },
        { "float type", IdxWriter.Encode([2], new byte[8], type: 0x0D), "0x0D (float32) is not supported" },
        { "rank zero", [0, 0, 8, 0], "0 dimensions" },
        { "rank nine", [0, 0, 8, 9, .. new byte[36]], "9 dimensions" },
        { "missing dimension", [0, 0, 8, 2, 0, 0, 0, 3], "ends inside the header (dimension 1)" },
        { "zero size", IdxWriter.Encode([4, 0], []), "dimension 1 has size 0" },
        { "negative size", [0, 0, 8, 1, 0x80, 0, 0, 0], "dimension 0 has size -2147483648" },
        { "overflowing sizes", IdxWriter.Encode([65536, 65536], []), "hold more than" },
        { "truncated data", IdxWriter.Encode([2, 3], new byte[5]), "need 6 data bytes but the file holds 5" },
        { "trailing data", IdxWriter.Encode([2, 3], new byte[7]), "need 6 data bytes but the file holds 7" },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void MalformedPlainFilesAreRejectedNamingTheFile(string name, byte[] bytes, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.Combine(name.Replace(' ', '-') + ".idx");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.StartsWith(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(5, "truncated: dimensions [2, 3] need 6 data bytes but only 5 are present")]
    [InlineData(7, "unexpected bytes after the 6 data bytes")]
    public void GzippedFilesWithWrongDataLengthAreRejected(int dataBytes, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("wrong.gz");
        IdxWriter.Write(path, IdxWriter.Encode([2, 3], new byte[dataBytes]), gzip: true);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.StartsWith(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void GzippedHeaderClaimingHugeDataFailsWithoutAllocatingIt()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("hostile.gz");
        IdxWriter.Write(path, IdxWriter.Encode([40000, 50000], new byte[100]), gzip: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains("truncated", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the reader allocated the claimed size up front");
    }

    [Fact]
    public void CorruptGzipStreamIsReportedWithTheFileName()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("corrupt.gz");
        IdxWriter.Write(path, IdxWriter.Encode([64, 64], new byte[4096]), gzip: true);
        var bytes = File.ReadAllBytes(path);
        for (int i = 12; i < bytes.Length - 8; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.StartsWith(path, error.Message);
    }
}
