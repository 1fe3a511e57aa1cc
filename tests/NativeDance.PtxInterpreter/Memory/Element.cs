using System.Buffers.Binary;
using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Memory;

/// <summary>Little-endian element reads and writes between memory bytes and register slots.</summary>
internal static class Element
{
    /// <summary>The element at the start of <paramref name="bytes"/> as slot bits (signed types sign-extended, others zero-extended).</summary>
    public static ulong Read(ReadOnlySpan<byte> bytes, PtxType type) => type switch
    {
        PtxType.S8 => (ulong)(long)(sbyte)bytes[0],
        PtxType.S16 => (ulong)(long)BinaryPrimitives.ReadInt16LittleEndian(bytes),
        PtxType.S32 => (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(bytes),
        PtxType.B8 or PtxType.U8 => bytes[0],
        PtxType.B16 or PtxType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        PtxType.B32 or PtxType.U32 or PtxType.F32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };

    /// <summary>Writes the low bits of <paramref name="value"/> as an element of <paramref name="size"/> bytes.</summary>
    public static void Write(Span<byte> bytes, int size, ulong value)
    {
        switch (size)
        {
            case 1:
                bytes[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
                break;
        }
    }
}
