using System.Runtime.InteropServices;
using NativeDance.PtxInterpreter.Execution;

namespace NativeDance.PtxInterpreter.Memory;

/// <summary>
/// A byte range with a shadow byte per data byte: <see cref="Unwritten"/>, <see cref="Written"/> (by the host or an
/// earlier launch) or <see cref="WrittenByLaunch"/>. Reads of unwritten bytes fault; non-coherent reads (ld.global.nc) of
/// bytes the running launch wrote fault too, since the read-only cache may hold stale data. Used for global allocations,
/// shared and local memory. The shadow of the common 1/2/4/8/16-byte accesses is checked with word operations.
/// </summary>
/// <param name="length">Bytes in the region.</param>
/// <param name="trackWritingBlocks">Global allocations also remember which block of the running launch wrote each byte,
/// for <see cref="OtherWritingBlock"/>.</param>
internal sealed class CheckedRegion(int length, bool trackWritingBlocks = false)
{
    /// <summary>Shadow value of a byte never written.</summary>
    public const byte Unwritten = 0;
    /// <summary>Shadow value of a byte written by the host or a finished launch.</summary>
    public const byte Written = 1;
    /// <summary>Shadow value of a byte written by the running launch.</summary>
    public const byte WrittenByLaunch = 2;

    private readonly byte[] _data = new byte[length];
    private readonly byte[] _shadow = new byte[length];
    // Linear index + 1 of the block that wrote each byte in the running launch, 0 when none did.
    private readonly int[]? _writingBlock = trackWritingBlocks ? new int[length] : null;

    /// <summary>Bytes in the region.</summary>
    public int Length => _data.Length;

    /// <summary>The bytes [offset, offset + count) for reading; faults when one was never written.</summary>
    public Span<byte> Read(int offset, int count, string what)
    {
        var shadow = _shadow.AsSpan(offset, count);
        if (HasUnwritten(shadow))
        {
            throw new PtxFault($"read of uninitialised {what}: byte {offset + shadow.IndexOf(Unwritten)} was never written");
        }

        return _data.AsSpan(offset, count);
    }

    /// <summary>As <see cref="Read"/> for the non-coherent path, which also faults on bytes the running launch wrote.</summary>
    public Span<byte> ReadNonCoherent(int offset, int count, string what)
    {
        var shadow = _shadow.AsSpan(offset, count);
        if (!AllWrittenBefore(shadow))
        {
            Read(offset, count, what);
            throw new PtxFault($"ld.global.nc of byte {offset + shadow.IndexOf(WrittenByLaunch)}, which this launch wrote: the non-coherent path may return stale data (use ld.global)");
        }

        return _data.AsSpan(offset, count);
    }

    /// <summary>The bytes [offset, offset + count) for writing; marks them with <paramref name="mark"/>.</summary>
    public Span<byte> Write(int offset, int count, byte mark)
    {
        var shadow = _shadow.AsSpan(offset, count);
        if (count == 4)
        {
            MemoryMarshal.Write(shadow, mark * 0x01010101u);
        }
        else
        {
            shadow.Fill(mark);
        }

        return _data.AsSpan(offset, count);
    }

    /// <summary>Index of the first never-written byte in [offset, offset + count), -1 when all were written.</summary>
    public int FirstUnwritten(int offset, int count)
    {
        int index = _shadow.AsSpan(offset, count).IndexOf(Unwritten);
        return index < 0 ? -1 : offset + index;
    }

    /// <summary>The bytes [offset, offset + count) without any check (host-side download after a check).</summary>
    public ReadOnlySpan<byte> Peek(int offset, int count) => _data.AsSpan(offset, count);

    /// <summary>Marks every byte unwritten again (fresh shared or local memory for the next block).</summary>
    public void ForgetWrites() => Array.Clear(_shadow);

    /// <summary>A launch ended: its writes become ordinary written bytes.</summary>
    public void EndLaunch()
    {
        _shadow.AsSpan().Replace(WrittenByLaunch, Written);
        if (_writingBlock is not null)
        {
            Array.Clear(_writingBlock);
        }
    }

    /// <summary>
    /// A block other than <paramref name="block"/> that wrote a byte of [offset, offset + count) in the running launch
    /// (its linear index and the byte), or -1 when there is none.
    /// </summary>
    public int OtherWritingBlock(int offset, int count, int block, out int at)
    {
        for (at = offset; at < offset + count; at++)
        {
            int writer = _writingBlock![at] - 1;
            if (writer >= 0 && writer != block)
            {
                return writer;
            }
        }

        return -1;
    }

    /// <summary>Records that <paramref name="block"/> wrote [offset, offset + count).</summary>
    public void RecordWritingBlock(int offset, int count, int block) => _writingBlock.AsSpan(offset, count).Fill(block + 1);

    /// <summary>True when a shadow byte is <see cref="Unwritten"/> (word-wide zero-byte test for the common sizes).</summary>
    private static bool HasUnwritten(ReadOnlySpan<byte> shadow) => shadow.Length switch
    {
        1 => shadow[0] == Unwritten,
        2 => shadow[0] == Unwritten || shadow[1] == Unwritten,
        4 => HasZeroByte(MemoryMarshal.Read<uint>(shadow)),
        8 => HasZeroByte(MemoryMarshal.Read<ulong>(shadow)),
        16 => HasZeroByte(MemoryMarshal.Read<ulong>(shadow)) || HasZeroByte(MemoryMarshal.Read<ulong>(shadow[8..])),
        _ => shadow.IndexOf(Unwritten) >= 0,
    };

    /// <summary>True when every shadow byte is <see cref="Written"/> (one word compare for the common sizes).</summary>
    private static bool AllWrittenBefore(ReadOnlySpan<byte> shadow) => shadow.Length switch
    {
        4 => MemoryMarshal.Read<uint>(shadow) == Written * 0x01010101u,
        8 => MemoryMarshal.Read<ulong>(shadow) == Written * 0x0101010101010101UL,
        16 => MemoryMarshal.Read<ulong>(shadow) == Written * 0x0101010101010101UL && MemoryMarshal.Read<ulong>(shadow[8..]) == Written * 0x0101010101010101UL,
        _ => !shadow.ContainsAnyExcept(Written),
    };

    private static bool HasZeroByte(uint word) => ((word - 0x01010101u) & ~word & 0x80808080u) != 0;

    private static bool HasZeroByte(ulong word) => ((word - 0x0101010101010101UL) & ~word & 0x8080808080808080UL) != 0;
}
