using NativeDance.Cuda;
using NativeDance.Cuda.Memory;

namespace NativeDance.Tests.Cuda.Driver;

/// <summary>Device memory simulated on the host: a capacity, distinct addresses, and a record of what is live, so the
/// caching allocator's traffic to the driver can be checked without a GPU.</summary>
internal sealed class FakeMemoryBackend(long capacityBytes) : IDeviceMemoryBackend
{
    private readonly Lock gate = new();
    private readonly Dictionary<ulong, long> live = [];
    private ulong next = 0x7f00_0000_0000;

    public long Allocations { get; private set; }
    public long Frees { get; private set; }
    public long LiveBytes { get; private set; }
    public int LiveBlocks { get { lock (gate) return live.Count; } }

    /// <summary>Makes every later free fail as on a context a faulting kernel left unusable.</summary>
    public bool KernelFaulted { get; set; }

    public bool TryAllocate(long bytes, out ulong address)
    {
        lock (gate)
        {
            address = 0;
            if (LiveBytes + bytes > capacityBytes) return false;
            address = next;
            next += (ulong)bytes + 4096;
            live.Add(address, bytes);
            LiveBytes += bytes;
            Allocations++;
            return true;
        }
    }

    public void Free(ulong address)
    {
        if (KernelFaulted) throw new CudaException(CudaResult.IllegalAddress, "cuMemFree_v2(address)");
        lock (gate)
        {
            if (!live.Remove(address, out long bytes)) throw new InvalidOperationException($"The fake driver never gave out 0x{address:x}.");
            LiveBytes -= bytes;
            Frees++;
        }
    }

    public (long FreeBytes, long TotalBytes) QueryMemory()
    {
        lock (gate) return (capacityBytes - LiveBytes, capacityBytes);
    }
}
