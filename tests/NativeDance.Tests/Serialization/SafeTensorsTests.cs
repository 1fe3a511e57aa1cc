using System.Buffers.Binary;
using System.Text;
using NativeDance.Tensors;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nd-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RoundTripKeepsNamesShapesValuesAndMetadata()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        using var w = Tensor.RandomNormal(new Shape(4, 3, 3, 1, 2), seed: 1);
        using var b = Tensor.RandomNormal(new Shape(4), seed: 2);
        using var permuted = w.Permute(4, 3, 2, 1, 0);
        SafeTensorsWriter.Write(path,
            [SafeTensorEntry.Float32("conv.weight", w), SafeTensorEntry.Float32("conv.bias", b),
             SafeTensorEntry.Float32("view", permuted), SafeTensorEntry.Int64("bn.num_batches_tracked", new Shape(), [42])],
            new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafeTensorsReader.Open(path);
        Assert.Equal(["conv.weight", "conv.bias", "view", "bn.num_batches_tracked"], file.Tensors.Select(t => t.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        using var w2 = file.ReadTensor("conv.weight");
        using var v2 = file.ReadTensor("view");
        using var n2 = file.ReadTensor("bn.num_batches_tracked");
        Assert.Equal(w.Shape, w2.Shape);
        Assert.Equal(w.ToArray(), w2.ToArray());
        Assert.Equal(permuted.ToArray(), v2.ToArray());
        Assert.Equal(42f, n2.Item());
        Assert.Equal(SafeTensorDType.I64, file.Info("bn.num_batches_tracked").DType);
        Assert.Equal(0, (new FileInfo(path).Length - 8 - file.Tensors.Sum(t => t.ByteLength)) % 8);
    }

    [Fact]
    public void OtherDTypesAreConvertedToFloat32()
    {
        var data = new List<byte>();
        var header = new StringBuilder("{");
        void Add(string name, string dtype, byte[] bytes, int count)
        {
            header.Append($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{count}],\"data_offsets\":[{data.Count},{data.Count + bytes.Length}]}},");
            data.AddRange(bytes);
        }
        Add("f64", "F64", [.. BitConverter.GetBytes(1.5), .. BitConverter.GetBytes(-2.25)], 2);
        Add("f16", "F16", [.. BitConverter.GetBytes((Half)0.5f), .. BitConverter.GetBytes((Half)(-3f))], 2);
        Add("bf16", "BF16", [0x80, 0x3F, 0x00, 0xC0], 2); // 1.0, -2.0
        Add("i32", "I32", [.. BitConverter.GetBytes(-7), .. BitConverter.GetBytes(9)], 2);
        header.Length--;
        header.Append('}');
        string path = WriteRaw("types.safetensors", header.ToString(), data.ToArray());

        using var file = SafeTensorsReader.Open(path);
        using var f64 = file.ReadTensor("f64");
        using var f16 = file.ReadTensor("f16");
        using var bf16 = file.ReadTensor("bf16");
        using var i32 = file.ReadTensor("i32");
        Assert.Equal([1.5f, -2.25f], f64.ToArray());
        Assert.Equal([0.5f, -3f], f16.ToArray());
        Assert.Equal([1f, -2f], bf16.ToArray());
        Assert.Equal([-7f, 9f], i32.ToArray());
    }

    public static TheoryData<string, string, int, string> MalformedHeaders => new()
    {
        { "not json", "{\"a\":", 0, "not valid JSON" },
        { "array header", "[1,2]", 0, "must be a JSON object" },
        { "unknown dtype", Entry("a", "Q8", "[1]", 0, 4), 4, "unsupported dtype 'Q8'" },
        { "negative dim", Entry("a", "F32", "[-1]", 0, 4), 4, "invalid dimension -1" },
        { "offsets past data", Entry("a", "F32", "[4]", 0, 16), 8, "do not lie within" },
        { "size mismatch", Entry("a", "F32", "[3]", 0, 16), 16, "needs 12 bytes" },
        { "end before begin", Entry("a", "F32", "[0]", 8, 4), 8, "do not lie within" },
        { "overlap", "{" + Entry("a", "F32", "[2]", 0, 8)[1..^1] + "," + Entry("b", "F32", "[2]", 4, 12)[1..^1] + "}", 12, "overlaps" },
        { "hole", Entry("a", "F32", "[1]", 4, 8), 8, "belong to no tensor" },
        { "uncovered tail", Entry("a", "F32", "[1]", 0, 4), 8, "the tensors cover 4" },
        { "duplicate key", "{" + Entry("a", "F32", "[1]", 0, 4)[1..^1] + "," + Entry("a", "F32", "[1]", 4, 8)[1..^1] + "}", 8, "appears twice" },
        { "missing offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "lacks data_offsets" },
        { "unknown field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4, "unknown field 'x'" },
        { "metadata not string", "{\"__metadata__\":{\"k\":3}}", 0, "must be a string" },
        { "rank too high", Entry("a", "F32", "[1,1,1,1,1,1,1,1,1]", 0, 4), 4, "rank 9" },
        { "fractional offset", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.5]}}", 4, "must hold integers" },
        { "trailing garbage", Entry("a", "F32", "[1]", 0, 4) + " x", 4, "not valid JSON" },
        { "element overflow", Entry("a", "F32", "[65536,65536]", 0, 4), 4, "too many elements" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void MalformedHeadersAreRefusedWithAClearMessage(string label, string header, int dataBytes, string expected)
    {
        string path = WriteRaw($"bad-{label.Replace(' ', '-')}.safetensors", header, new byte[dataBytes]);
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensorsReader.Open(path).Dispose());
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TruncatedAndHostileLengthsAreRefusedBeforeAllocating()
    {
        string tiny = Path.Combine(_dir, "tiny.safetensors");
        File.WriteAllBytes(tiny, [1, 2, 3]);
        Assert.Contains("fewer than the 8-byte", Assert.Throws<CheckpointFormatException>(() => SafeTensorsReader.Open(tiny)).Message);

        string hostile = Path.Combine(_dir, "hostile.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        File.WriteAllBytes(hostile, bytes);
        Assert.Contains("more than the", Assert.Throws<CheckpointFormatException>(() => SafeTensorsReader.Open(hostile)).Message);

        string truncated = Path.Combine(_dir, "truncated.safetensors");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        File.WriteAllBytes(truncated, bytes);
        Assert.Contains("truncated", Assert.Throws<CheckpointFormatException>(() => SafeTensorsReader.Open(truncated)).Message);
    }

    [Fact]
    public void TruncatedDataIsDetected()
    {
        string path = Path.Combine(_dir, "cut.safetensors");
        using var w = Tensor.RandomNormal(new Shape(10), seed: 3);
        SafeTensorsWriter.Write(path, [SafeTensorEntry.Float32("w", w)]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        Assert.Contains("do not lie within", Assert.Throws<CheckpointFormatException>(() => SafeTensorsReader.Open(path)).Message);
    }

    [Fact]
    public void MissingFilesAndTensorsAreNamed()
    {
        string missing = Path.Combine(_dir, "absent.safetensors");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => SafeTensorsReader.Open(missing)).Message);
        string path = Path.Combine(_dir, "one.safetensors");
        using var w = Tensor.Zeros(new Shape(2));
        SafeTensorsWriter.Write(path, [SafeTensorEntry.Float32("w", w)]);
        using var file = SafeTensorsReader.Open(path);
        Assert.Contains("'fc.bias'", Assert.Throws<CheckpointFormatException>(() => file.ReadTensor("fc.bias")).Message);
    }

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTemporary()
    {
        string path = Path.Combine(_dir, "keep.safetensors");
        using var good = Tensor.Full(new Shape(3), 5f);
        SafeTensorsWriter.Write(path, [SafeTensorEntry.Float32("w", good)]);
        var before = File.ReadAllBytes(path);

        var disposed = Tensor.Zeros(new Shape(3));
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => SafeTensorsWriter.Write(path, [SafeTensorEntry.Float32("w", good), SafeTensorEntry.Float32("x", disposed)]));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path, [SafeTensorEntry.Float32("w", good), SafeTensorEntry.Float32("w", good)]));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    private static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"{{\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}}}";

    private string WriteRaw(string name, string header, byte[] data)
    {
        string path = Path.Combine(_dir, name);
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
