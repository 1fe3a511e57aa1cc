namespace NativeDance.Cuda.Memory;

/// <summary>
/// Caches device blocks by size bucket so steady-state inference never calls the driver allocator (cuMemAlloc
/// synchronises the device and costs microseconds to milliseconds). Sizes round up to a bucket (<see cref="BucketBytes"/>);
/// a freed block goes on its bucket's free list and is reused for the next request of that bucket. Blocks go back to
/// the driver only on <see cref="Trim"/>, when an allocation fails for lack of memory (trim, then retry once), and after
/// <see cref="Close"/>. Thread-safe.
/// </summary>
internal sealed class CachingAllocator(IDeviceMemoryBackend backend)
{
    /// <summary>The smallest bucket; also a multiple of every alignment a kernel needs (the driver aligns to 256).</summary>
    public const long MinimumBlockBytes = 512;

    private readonly Lock gate = new();
    private readonly Dictionary<long, Stack<ulong>> freeLists = [];
    private readonly Dictionary<ulong, Block> blocks = []; // every block held, in use or cached
    private long bytesInUse, bytesCached, peakBytesInUse, driverAllocations;
    private int buffersInUse, blocksCached;
    private bool closed;

    /// <summary>
    /// The bucket a request of <paramref name="bytes"/> is served from: at least <see cref="MinimumBlockBytes"/>; above
    /// that, rounded up to a quarter of the power of two at or below it (granule at least 512 B), so a block wastes
    /// under 25% and a size that grows slowly still reuses blocks.
    /// </summary>
    public static long BucketBytes(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes <= MinimumBlockBytes) return MinimumBlockBytes;
        long granule = Math.Max(MinimumBlockBytes, (1L << (63 - (int)long.LeadingZeroCount(bytes))) / 4);
        return checked((bytes + granule - 1) / granule * granule);
    }

    /// <summary>A block of at least <paramref name="bytes"/>: cached if one of its bucket is free, else new from the driver.</summary>
    /// <exception cref="CudaException">Out of memory even after trimming the cache (names the request and free memory).</exception>
    public ulong Rent(long bytes)
    {
        long bucket = BucketBytes(bytes);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            if (freeLists.TryGetValue(bucket, out var list) && list.TryPop(out ulong reused))
            {
                bytesCached -= bucket;
                blocksCached--;
                MarkInUse(reused, bucket);
                return reused;
            }
            if (!backend.TryAllocate(bucket, out ulong address))
            {
                TrimLocked(backend.Free);
                if (!backend.TryAllocate(bucket, out address)) throw OutOfMemory(bytes, bucket);
            }
            driverAllocations++;
            MarkInUse(address, bucket);
            return address;
        }
    }

    /// <summary>Gives back a block <see cref="Rent"/> returned: cached for reuse, or freed once the allocator is closed.</summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not a block of this allocator.</exception>
    /// <exception cref="InvalidOperationException">The block was already returned.</exception>
    public void Return(ulong address)
    {
        lock (gate)
        {
            if (!blocks.TryGetValue(address, out var block))
                throw new ArgumentException($"Device address 0x{address:x} is not a block of this memory pool.", nameof(address));
            if (!block.InUse)
                throw new InvalidOperationException($"Device block 0x{address:x} ({block.Bytes} bytes) was returned twice.");
            bytesInUse -= block.Bytes;
            buffersInUse--;
            if (closed)
            {
                blocks.Remove(address);
                FreeWhileClosing(address);
                return;
            }
            blocks[address] = block with { InUse = false };
            if (!freeLists.TryGetValue(block.Bytes, out var list)) freeLists[block.Bytes] = list = new Stack<ulong>();
            list.Push(address);
            bytesCached += block.Bytes;
            blocksCached++;
        }
    }

    /// <summary>Frees every cached block to the driver; returns the bytes freed. Live blocks are untouched.</summary>
    public long Trim()
    {
        lock (gate) return TrimLocked(backend.Free);
    }

    /// <summary>Trims, and from now on frees returned blocks at once and refuses new requests (the device is closing).</summary>
    public void Close()
    {
        lock (gate)
        {
            closed = true;
            TrimLocked(FreeWhileClosing);
        }
    }

    /// <summary>The current figures.</summary>
    public DeviceMemoryStatistics Statistics
    {
        get
        {
            lock (gate) return new(bytesInUse, bytesCached, peakBytesInUse, buffersInUse, blocksCached, driverAllocations);
        }
    }

    private void MarkInUse(ulong address, long bucket)
    {
        blocks[address] = new Block(bucket, InUse: true);
        bytesInUse += bucket;
        buffersInUse++;
        peakBytesInUse = Math.Max(peakBytesInUse, bytesInUse);
    }

    private long TrimLocked(Action<ulong> free)
    {
        long freed = 0;
        foreach (var (bucket, list) in freeLists)
        {
            while (list.TryPop(out ulong address))
            {
                blocks.Remove(address);
                bytesCached -= bucket;
                blocksCached--;
                free(address);
                freed += bucket;
            }
        }
        return freed;
    }

    // After a kernel fault every free on the context fails, and the device's closing releases the context, which frees
    // its memory with it: closing must not throw then, or the device could never be disposed.
    private void FreeWhileClosing(ulong address)
    {
        try
        {
            backend.Free(address);
        }
        catch (CudaException e) when (e.IsKernelFault)
        {
        }
    }

    private CudaException OutOfMemory(long requested, long bucket)
    {
        var (free, total) = backend.QueryMemory();
        return new CudaException(CudaResult.OutOfMemory, $"cuMemAlloc_v2({bucket} bytes)",
            $"Requested {ByteSize.Format(requested)} (a {ByteSize.Format(bucket)} block); the device has {ByteSize.Format(free)} free " +
            $"of {ByteSize.Format(total)}, and this process holds {ByteSize.Format(bytesInUse)} in live buffers (the cache was trimmed before retrying).");
    }

    private readonly record struct Block(long Bytes, bool InUse);
}
