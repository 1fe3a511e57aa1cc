using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace NativeDance.Peers.Onnx;

/// <summary>
/// The few protocol-buffer encodings an ONNX model needs: varint fields (wire type 0), length-delimited fields
/// (wire type 2: strings, bytes, nested messages) and floats (wire type 5). Repeated scalars are written one tag per
/// value (unpacked), which every parser accepts for proto2 files such as onnx.proto.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int VarintWireType = 0;
    private const int LengthDelimitedWireType = 2;
    private const int Fixed32WireType = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>An integer field (int32, int64, enum). Negative values take ten bytes, as protobuf's int64 does.</summary>
    public ProtobufWriter Varint(int field, long value)
    {
        Tag(field, VarintWireType);
        WriteVarint((ulong)value);
        return this;
    }

    /// <summary>Every value of a repeated integer field.</summary>
    public ProtobufWriter Varints(int field, IEnumerable<long> values)
    {
        foreach (long v in values) Varint(field, v);
        return this;
    }

    /// <summary>A float field (wire type 5: four little-endian bytes).</summary>
    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, Fixed32WireType);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    /// <summary>A bytes field.</summary>
    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimitedWireType);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    /// <summary>A string field (UTF-8).</summary>
    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A nested message field, built by <paramref name="build"/>.</summary>
    public ProtobufWriter Message(int field, Action<ProtobufWriter> build)
    {
        var message = new ProtobufWriter();
        build(message);
        return Bytes(field, message._buffer.WrittenSpan);
    }

    /// <summary>Appends the fields already written to <paramref name="other"/>.</summary>
    public ProtobufWriter Append(ProtobufWriter other)
    {
        _buffer.Write(other._buffer.WrittenSpan);
        return this;
    }

    /// <summary>The encoded message.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _buffer.Advance(n);
    }
}
