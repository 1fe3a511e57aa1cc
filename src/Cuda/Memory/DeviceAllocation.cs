using NativeDance.Cuda.Driver;

namespace NativeDance.Cuda.Memory;

/// <summary>
/// Owns one block rented from a <see cref="CachingAllocator"/>: releasing it (Dispose, or the finaliser as a safety net)
/// returns the block to the cache. Holds the primary context so the context outlives the block.
/// </summary>
internal sealed class DeviceAllocation(PrimaryContext context, CachingAllocator allocator) : ContextBoundHandle(context)
{
    /// <summary>The block's device address.</summary>
    public ulong Address => (ulong)Native;

    protected override bool Free(nint native)
    {
        // A release may run on the finaliser thread, where an exception would end the process: report failure instead.
        try
        {
            allocator.Return((ulong)native);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
