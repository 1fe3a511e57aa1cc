using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace NativeDance.Tensors.Serialization;

/// <summary>One tensor to write: fp32 data from a tensor, or 64-bit integers (for counters such as num_batches_tracked).</summary>
public sealed class SafeTensorEntry
{
    private readonly Tensor? _tensor;
    private readonly long[]? _integers;

    private SafeTensorEntry(string name, SafeTensorDType type, Shape shape, Tensor? tensor, long[]? integers)
    {
        Name = name;
        DType = type;
        Shape = shape;
        _tensor = tensor;
        _integers = integers;
    }

    /// <summary>The tensor's key.</summary>
    public string Name { get; }

    /// <summary>Element type written.</summary>
    public SafeTensorDType DType { get; }

    /// <summary>Dimensions written.</summary>
    public Shape Shape { get; }

    /// <summary>An fp32 tensor (any layout; written row-major).</summary>
    public static SafeTensorEntry Float32(string name, Tensor tensor) => new(name, SafeTensorDType.F32, tensor.Shape, tensor, null);

    /// <summary>64-bit integers of the given shape.</summary>
    /// <exception cref="ArgumentException">The value count does not match the shape.</exception>
    public static SafeTensorEntry Int64(string name, Shape shape, long[] values)
    {
        if (values.Length != shape.ElementCount)
            throw new ArgumentException($"Entry '{name}': shape {shape} needs {shape.ElementCount} values, got {values.Length}.", nameof(values));
        return new(name, SafeTensorDType.I64, shape, null, values);
    }

    internal long ByteLength => (long)Shape.ElementCount * DType.Size();

    internal void WriteTo(Stream stream)
    {
        if (_tensor is not null)
        {
            using var dense = _tensor.Contiguous();
            stream.Write(MemoryMarshal.AsBytes((ReadOnlySpan<float>)dense.Span));
        }
        else
        {
            Span<byte> buffer = stackalloc byte[8];
            foreach (long v in _integers!)
            {
                BinaryPrimitives.WriteInt64LittleEndian(buffer, v);
                stream.Write(buffer);
            }
        }
    }
}

/// <summary>
/// Writes safetensors files atomically: the data goes to a temporary file beside the target, is flushed to
/// disk, and is then renamed over the target, so a crash leaves either the old file or the new one.
/// </summary>
/// <example><code>SafeTensorsWriter.Write("model.safetensors", [SafeTensorEntry.Float32("fc.weight", w)]);</code></example>
public static class SafeTensorsWriter
{
    /// <summary>Writes <paramref name="entries"/> (in order) and optional string metadata to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">Two entries share a name, or a name is empty.</exception>
    public static void Write(string path, IReadOnlyList<SafeTensorEntry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing needs a little-endian machine.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (string.IsNullOrEmpty(e.Name) || e.Name == "__metadata__" || !seen.Add(e.Name))
                throw new ArgumentException($"Tensor name '{e.Name}' is empty, reserved or used twice.", nameof(entries));
        }
        byte[] header = BuildHeader(entries, metadata);
        string full = System.IO.Path.GetFullPath(path);
        string temp = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        if (System.IO.Path.GetDirectoryName(full) is { } folder) Directory.CreateDirectory(folder);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var e in entries) e.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The JSON header, padded with spaces so the data section starts 8-byte aligned.</summary>
    private static byte[] BuildHeader(IReadOnlyList<SafeTensorEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", e.DType.ToString());
                json.WriteStartArray("shape");
                foreach (int d in e.Shape.Dims) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + e.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += e.ByteLength;
            }
            json.WriteEndObject();
        }
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
