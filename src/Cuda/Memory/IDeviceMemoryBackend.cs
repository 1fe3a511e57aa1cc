namespace NativeDance.Cuda.Memory;

/// <summary>
/// Raw device memory: what <see cref="CachingAllocator"/> sits on. The driver implements it
/// (<see cref="DriverMemoryBackend"/>); tests substitute a fake so the caching logic is checked without a GPU.
/// </summary>
internal interface IDeviceMemoryBackend
{
    /// <summary>Allocates <paramref name="bytes"/>; false when the device is out of memory, an exception on any other failure.</summary>
    bool TryAllocate(long bytes, out ulong address);

    /// <summary>Frees a block <see cref="TryAllocate"/> returned.</summary>
    void Free(ulong address);

    /// <summary>Free and total device memory in bytes.</summary>
    (long FreeBytes, long TotalBytes) QueryMemory();
}
