using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace NativeDance.Peers.Torch;

/// <summary>
/// A minimal safetensors reader and writer for libtorch tensors, written from the format's description and sharing no
/// code with the engine's own (src/Tensor/Serialization), so that a file passing through both proves the two agree on
/// the format: 8-byte little-endian header length, a JSON header mapping each name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the end of the header) plus an optional
/// <c>"__metadata__"</c> map of strings, then the raw little-endian tensor bytes. F32, F64 and I64 only.
/// </summary>
public static class TorchSafeTensors
{
    /// <summary>Every tensor of the file, by name, in its stored dtype and shape; the caller disposes them.</summary>
    /// <exception cref="InvalidDataException">The file is not a safetensors file of the supported dtypes.</exception>
    public static Dictionary<string, torch.Tensor> Read(string path)
    {
        LibTorch.EnsureLoaded();
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8) throw new InvalidDataException($"{path}: {file.Length} bytes, too short for a safetensors header.");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        if (headerLength <= 0 || 8 + headerLength > file.Length)
            throw new InvalidDataException($"{path}: header length {headerLength} does not fit a file of {file.Length} bytes.");
        var data = file.AsSpan(8 + (int)headerLength);
        using var header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            var bytes = data[offsets[0]..offsets[1]];
            long count = shape.Aggregate(1L, (a, b) => a * b);
            result[entry.Name] = dtype switch
            {
                "F32" => torch.tensor(Elements<float>(bytes, count, entry.Name), shape),
                "F64" => torch.tensor(Elements<double>(bytes, count, entry.Name), shape),
                "I64" => torch.tensor(Elements<long>(bytes, count, entry.Name), shape),
                _ => throw new InvalidDataException($"{path}: tensor '{entry.Name}' has dtype {dtype}; only F32, F64 and I64 are read."),
            };
        }
        return result;
    }

    /// <summary>The file's <c>__metadata__</c> map (empty when absent).</summary>
    public static Dictionary<string, string> ReadMetadata(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        using var header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        return header.RootElement.TryGetProperty("__metadata__", out var metadata)
            ? metadata.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : [];
    }

    /// <summary>
    /// Writes the tensors in the given order: float32 and float64 tensors as F32 (what PyTorch checkpoints hold), int64
    /// tensors as I64. The header is padded with spaces to a multiple of 8 bytes, as the reference implementation does.
    /// </summary>
    public static void Write(string path, IEnumerable<(string Name, torch.Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var payloads = new List<(string Name, string DType, long[] Shape, byte[] Bytes)>();
        foreach (var (name, tensor) in tensors)
        {
            using var dense = tensor.detach().contiguous();
            if (dense.dtype == ScalarType.Int64)
            {
                payloads.Add((name, "I64", dense.shape, MemoryMarshal.AsBytes(dense.data<long>().ToArray().AsSpan()).ToArray()));
                continue;
            }
            using var single = dense.to(ScalarType.Float32);
            payloads.Add((name, "F32", dense.shape, MemoryMarshal.AsBytes(single.data<float>().ToArray().AsSpan()).ToArray()));
        }

        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is not null) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, dtype, shape, bytes) in payloads)
        {
            header[name] = new Dictionary<string, object> { ["dtype"] = dtype, ["shape"] = shape, ["data_offsets"] = new[] { offset, offset + bytes.Length } };
            offset += bytes.Length;
        }
        var json = new StringBuilder(JsonSerializer.Serialize(header));
        while (Encoding.UTF8.GetByteCount(json.ToString()) % 8 != 0) json.Append(' ');
        byte[] headerBytes = Encoding.UTF8.GetBytes(json.ToString());

        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        foreach (var payload in payloads) stream.Write(payload.Bytes);
    }

    private static T[] Elements<T>(ReadOnlySpan<byte> bytes, long count, string name) where T : unmanaged
    {
        if (bytes.Length != count * Marshal.SizeOf<T>())
            throw new InvalidDataException($"Tensor '{name}' holds {bytes.Length} bytes; its shape needs {count * Marshal.SizeOf<T>()}.");
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }
}
