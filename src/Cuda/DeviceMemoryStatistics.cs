namespace NativeDance.Cuda;

/// <summary>A snapshot of a device's caching allocator.</summary>
/// <param name="BytesInUse">Bytes of the blocks held by live buffers (bucket sizes, so at least what was asked for).</param>
/// <param name="BytesCached">Bytes of freed blocks kept for reuse; <see cref="CudaDevice.TrimCache"/> returns them to the driver.</param>
/// <param name="PeakBytesInUse">The largest <paramref name="BytesInUse"/> seen.</param>
/// <param name="BuffersInUse">Live blocks.</param>
/// <param name="BlocksCached">Cached blocks.</param>
/// <param name="DriverAllocations">Blocks obtained from the driver so far (constant in a steady state that reuses the cache).</param>
/// <example><code>
/// long before = device.MemoryStatistics.DriverAllocations;
/// for (int i = 0; i &lt; 1000; i++) RunClip();
/// bool steady = device.MemoryStatistics.DriverAllocations == before;
/// </code></example>
public readonly record struct DeviceMemoryStatistics(
    long BytesInUse, long BytesCached, long PeakBytesInUse, int BuffersInUse, int BlocksCached, long DriverAllocations);
