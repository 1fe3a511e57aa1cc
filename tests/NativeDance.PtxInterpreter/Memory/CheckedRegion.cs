using System.Runtime.InteropServices;
using NativeDance.PtxInterpreter.Execution;

namespace NativeDance.PtxInterpreter.Memory;

/// <summary>
/// A byte range with a shadow "written" byte per data byte (1 = written). Reads of bytes never written since the last
/// <see cref="ForgetWrites"/> fault, writes mark their bytes. Used for global allocations, shared and local memory.
/// The shadow of the common 1/2/4/8-byte accesses is checked with one word compare.
/// </summary>
internal sealed class CheckedRegion(int length)
{
    private readonly byte[] _data = new byte[length];
    private readonly byte[] _written = new byte[length];

    /// <summary>Bytes in the region.</summary>
    public int Length => _data.Length;

    /// <summary>The bytes [offset, offset + count) for reading; faults when one was never written.</summary>
    public Span<byte> Read(int offset, int count, string what)
    {
        var written = _written.AsSpan(offset, count);
        if (!AllSet(written))
        {
            throw new PtxFault($"read of uninitialised {what}: byte {offset + written.IndexOf((byte)0)} was never written");
        }

        return _data.AsSpan(offset, count);
    }

    /// <summary>The bytes [offset, offset + count) for writing; marks them written.</summary>
    public Span<byte> Write(int offset, int count)
    {
        var written = _written.AsSpan(offset, count);
        if (count == 4)
        {
            MemoryMarshal.Write(written, 0x01010101u);
        }
        else
        {
            written.Fill(1);
        }

        return _data.AsSpan(offset, count);
    }

    /// <summary>Index of the first never-written byte in [offset, offset + count), -1 when all were written.</summary>
    public int FirstUnwritten(int offset, int count)
    {
        int index = _written.AsSpan(offset, count).IndexOf((byte)0);
        return index < 0 ? -1 : offset + index;
    }

    /// <summary>The bytes [offset, offset + count) without any check (host-side download after a check).</summary>
    public ReadOnlySpan<byte> Peek(int offset, int count) => _data.AsSpan(offset, count);

    private static bool AllSet(ReadOnlySpan<byte> written) => written.Length switch
    {
        1 => written[0] != 0,
        2 => MemoryMarshal.Read<ushort>(written) == 0x0101,
        4 => MemoryMarshal.Read<uint>(written) == 0x01010101u,
        8 => MemoryMarshal.Read<ulong>(written) == 0x0101010101010101UL,
        _ => written.IndexOf((byte)0) < 0,
    };

    /// <summary>Marks every byte unwritten again (fresh shared or local memory for the next block).</summary>
    public void ForgetWrites() => Array.Clear(_written);
}
