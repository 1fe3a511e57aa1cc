using NativeDance.PtxInterpreter.Execution;

namespace NativeDance.PtxInterpreter.Memory;

/// <summary>
/// Simulated global memory: allocations at increasing addresses from <see cref="FirstAddress"/>, each aligned to
/// <see cref="AllocationAlignment"/> and followed by an unmapped gap of at least <see cref="GuardBytes"/>, so an access one
/// past an allocation's end never lands in another one. Address 0 (a null pointer) is never mapped.
/// </summary>
internal sealed class GlobalMemory
{
    /// <summary>Address of the first allocation.</summary>
    public const ulong FirstAddress = 0x1_0000_0000;
    /// <summary>Alignment of every allocation (as cudaMalloc's 256 bytes).</summary>
    public const ulong AllocationAlignment = 256;
    /// <summary>Minimum unmapped gap after every allocation.</summary>
    public const ulong GuardBytes = 64 * 1024;
    /// <summary>Largest single allocation.</summary>
    public const long MaxAllocationBytes = 1L << 30;

    private readonly List<(ulong Base, CheckedRegion Region)> _allocations = [];
    private ulong _next = FirstAddress;
    private ulong _lastBase;
    private CheckedRegion? _lastRegion;

    /// <summary>Maps <paramref name="bytes"/> new, unwritten bytes and returns their address.</summary>
    public ulong Allocate(long bytes)
    {
        if (bytes <= 0 || bytes > MaxAllocationBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"allocation size must be in [1, {MaxAllocationBytes}] bytes");
        }

        ulong address = _next;
        _allocations.Add((address, new CheckedRegion((int)bytes, trackWritingBlocks: true)));
        _next = (address + (ulong)bytes + GuardBytes + AllocationAlignment - 1) & ~(AllocationAlignment - 1);
        return address;
    }

    /// <summary>The allocation holding all of [address, address + count) and the offset of address in it; faults otherwise.</summary>
    public CheckedRegion Resolve(ulong address, int count, out int offset)
    {
        // Consecutive accesses mostly hit the same allocation: try the last one before searching.
        var region = _lastRegion;
        ulong start = address - _lastBase;
        if (region is null || start >= (ulong)region.Length)
        {
            int index = FindContaining(address);
            if (index < 0)
            {
                throw new PtxFault($"global access of {count} bytes at 0x{address:X} is outside every allocation{Nearest(address)}");
            }

            (_lastBase, _lastRegion) = _allocations[index];
            region = _lastRegion;
            start = address - _lastBase;
        }

        if (start + (ulong)count > (ulong)region.Length)
        {
            throw new PtxFault($"global access of {count} bytes at 0x{address:X} runs past the end of the allocation " +
                $"[0x{_lastBase:X}, 0x{_lastBase + (ulong)region.Length:X}) of {region.Length} bytes");
        }

        offset = (int)start;
        return region;
    }

    /// <summary>A launch ended (or faulted): what it wrote counts as written before the next one.</summary>
    public void EndLaunch()
    {
        foreach (var (_, region) in _allocations)
        {
            region.EndLaunch();
        }
    }

    private int FindContaining(ulong address)
    {
        int low = 0, high = _allocations.Count - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            var (baseAddress, region) = _allocations[middle];
            if (address < baseAddress)
            {
                high = middle - 1;
            }
            else if (address - baseAddress >= (ulong)region.Length)
            {
                low = middle + 1;
            }
            else
            {
                return middle;
            }
        }

        return -1;
    }

    private string Nearest(ulong address)
    {
        foreach (var (baseAddress, region) in _allocations)
        {
            ulong end = baseAddress + (ulong)region.Length;
            if (address >= end && address - end < GuardBytes)
            {
                return $" ({address - end} bytes past the end of the allocation [0x{baseAddress:X}, 0x{end:X}) of {region.Length} bytes)";
            }

            if (address < baseAddress && baseAddress - address < GuardBytes)
            {
                return $" ({baseAddress - address} bytes before the allocation [0x{baseAddress:X}, 0x{end:X}))";
            }
        }

        return "";
    }
}
