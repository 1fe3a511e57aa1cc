using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace NativeDance.Tensors.Serialization;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length, a JSON header naming every tensor's dtype,
/// shape and byte range, then the raw little-endian data. The header is validated in full on open; tensors
/// are read on demand and converted to fp32.
/// </summary>
/// <example><code>using var file = SafeTensorsReader.Open("model.safetensors");
/// using var w = file.ReadTensor("layer1.0.conv1.weight");</code></example>
public sealed unsafe class SafeTensorsReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsReader(string path, SafeFileHandle handle, long dataStart, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The tensors, in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The free-form string metadata (<c>__metadata__</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates a file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is truncated, malformed or inconsistent; the message says how.</exception>
    public static SafeTensorsReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint not found: {path}", path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            if (fileLength < 8)
                throw new CheckpointFormatException(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length");
            Span<byte> prefix = stackalloc byte[8];
            RandomAccess.Read(handle, prefix, 0);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > SafeTensorsHeader.MaxHeaderBytes)
                throw new CheckpointFormatException(path, $"the header claims {headerLength} bytes, more than the {SafeTensorsHeader.MaxHeaderBytes} allowed");
            if ((long)headerLength > fileLength - 8)
                throw new CheckpointFormatException(path, $"the header claims {headerLength} bytes but only {fileLength - 8} follow (truncated file?)");
            var json = new byte[headerLength];
            RandomAccess.Read(handle, json, 8);
            long dataStart = 8 + (long)headerLength;
            var (tensors, metadata) = SafeTensorsHeader.Parse(path, json, fileLength - dataStart);
            return new SafeTensorsReader(path, handle, dataStart, tensors, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file holds a tensor of that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Describes the tensor called <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file has no such tensor.</exception>
    public SafeTensorInfo Info(string name) =>
        _byName.TryGetValue(name, out var info) ? info : throw new CheckpointFormatException(Path, $"there is no tensor named '{name}'");

    /// <summary>Reads a tensor and converts it to fp32 (integers and other float widths are converted by value).</summary>
    public Tensor ReadTensor(string name)
    {
        var info = Info(name);
        var tensor = Tensor.Uninitialized(info.Shape);
        try
        {
            var destination = tensor.Span;
            if (info.DType == SafeTensorDType.F32 && BitConverter.IsLittleEndian)
            {
                RandomAccess.Read(_handle, new Span<byte>(tensor.Pointer, (int)info.ByteLength), _dataStart + info.Begin);
                return tensor;
            }
            var (raw, capacity) = NativeBufferPool.Rent((int)((info.ByteLength + 3) / 4));
            try
            {
                var bytes = new Span<byte>((void*)raw, (int)info.ByteLength);
                RandomAccess.Read(_handle, bytes, _dataStart + info.Begin);
                Convert(info.DType, bytes, destination);
            }
            finally
            {
                NativeBufferPool.Return(raw, capacity);
            }
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    private static void Convert(SafeTensorDType type, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        int size = type.Size();
        for (int i = 0; i < destination.Length; i++)
        {
            var b = bytes.Slice(i * size, size);
            destination[i] = type switch
            {
                SafeTensorDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(b),
                SafeTensorDType.F64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                SafeTensorDType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
                SafeTensorDType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                SafeTensorDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(b),
                _ => BinaryPrimitives.ReadInt32LittleEndian(b),
            };
        }
    }
}
