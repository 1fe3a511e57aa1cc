using System.Diagnostics.CodeAnalysis;
using NativeDance.Cuda.Driver;
using NativeDance.Cuda.Kernels;
using NativeDance.Cuda.Memory;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda;

/// <summary>
/// One NVIDIA GPU, through its primary context (retained on open, released on <see cref="Dispose"/> once every buffer,
/// stream, event and module made from it is gone). Any thread may use it: each call binds the context on the calling
/// thread first. Device memory comes from a caching allocator (<see cref="MemoryStatistics"/>, <see cref="TrimCache"/>).
/// </summary>
/// <example><code>
/// if (!CudaDevice.TryOpen(0, out var gpu, out string reason)) { Console.WriteLine(reason); return; }
/// using (gpu)
/// using (var x = gpu.Allocate&lt;float&gt;(1024))
/// using (var stream = gpu.CreateStream())
/// {
///     x.CopyFrom(data);
///     stream.Launch(gpu.Module("pooling").Function("max_pool3d"), shape, args);
///     stream.Synchronize();
/// }
/// </code></example>
public sealed class CudaDevice : IDisposable
{
    private readonly Lock moduleGate = new();
    private readonly Dictionary<string, CudaModule> modules = [];
    private bool disposed;

    private CudaDevice(int ordinal, int device, PrimaryContext context)
    {
        Ordinal = ordinal;
        Context = context;
        Allocator = new CachingAllocator(new DriverMemoryBackend(context));
        Name = DeviceQueries.Name(device);
        ComputeCapability = new(DeviceQueries.Attribute(device, DeviceAttribute.ComputeCapabilityMajor),
            DeviceQueries.Attribute(device, DeviceAttribute.ComputeCapabilityMinor));
        MultiprocessorCount = DeviceQueries.Attribute(device, DeviceAttribute.MultiprocessorCount);
        MaxSharedBytesPerBlock = DeviceQueries.Attribute(device, DeviceAttribute.MaxSharedMemoryPerBlockOptin);
        TotalMemoryBytes = DeviceQueries.TotalMemory(device);
        PciBusId = DeviceQueries.PciBusId(device);
        DriverVersion = DriverState.Current.Version;
    }

    /// <summary>The CUDA ordinal (0 for the first visible device).</summary>
    public int Ordinal { get; }

    /// <summary>The product name, such as "NVIDIA H200".</summary>
    public string Name { get; }

    /// <summary>The SM architecture version.</summary>
    public ComputeCapability ComputeCapability { get; }

    /// <summary>Streaming multiprocessors.</summary>
    public int MultiprocessorCount { get; }

    /// <summary>The most shared memory one block may use once a kernel opts in (above the default 48 KiB).</summary>
    public int MaxSharedBytesPerBlock { get; }

    /// <summary>Device memory in bytes.</summary>
    public long TotalMemoryBytes { get; }

    /// <summary>The PCI bus id ("0000:3B:00.0"), which also names the device to NVML.</summary>
    public string PciBusId { get; }

    /// <summary>The driver's CUDA version as cuDriverGetVersion reports it (12040 for CUDA 12.4).</summary>
    public int DriverVersion { get; }

    internal PrimaryContext Context { get; }

    internal CachingAllocator Allocator { get; }

    /// <summary>Opens device <paramref name="ordinal"/>; false with a one-line <paramref name="reason"/> where the GPU path
    /// is unavailable or there is no such device. Never throws for a missing driver or device.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ordinal"/> is negative.</exception>
    public static bool TryOpen(int ordinal, [NotNullWhen(true)] out CudaDevice? device, out string reason)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        device = null;
        var state = DriverState.Current;
        if (state.FailureReason is { } unavailable)
        {
            reason = unavailable;
            return false;
        }
        if (ordinal >= state.DeviceCount)
        {
            reason = $"There is no CUDA device {ordinal}: the driver sees {state.DeviceCount} (ordinals 0 to {state.DeviceCount - 1}).";
            return false;
        }
        try
        {
            device = Create(ordinal);
            reason = "";
            return true;
        }
        catch (CudaException e)
        {
            reason = $"CUDA device {ordinal} could not be opened: {e.Message}";
            return false;
        }
    }

    /// <summary>Opens device <paramref name="ordinal"/>.</summary>
    /// <exception cref="CudaUnavailableException">No driver, no such device, or a driver too old (one actionable line).</exception>
    public static CudaDevice Open(int ordinal = 0) =>
        TryOpen(ordinal, out var device, out string reason) ? device : throw new CudaUnavailableException(reason);

    /// <summary>A device buffer of <paramref name="length"/> elements (uninitialised) from the caching allocator.</summary>
    /// <exception cref="CudaException">Out of device memory; the message names the request and the free memory.</exception>
    public unsafe DeviceBuffer<T> Allocate<T>(long length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ThrowIfDisposed();
        var allocation = new DeviceAllocation(Context, Allocator);
        ulong address = Allocator.Rent(checked(length * sizeof(T)));
        try
        {
            allocation.Attach((nint)address);
        }
        catch
        {
            Allocator.Return(address);
            throw;
        }
        return new DeviceBuffer<T>(allocation, length);
    }

    /// <summary>A page-locked host buffer of <paramref name="length"/> elements, the source or target of asynchronous copies.</summary>
    public PinnedHostBuffer<T> AllocatePinned<T>(int length) where T : unmanaged
    {
        ThrowIfDisposed();
        return PinnedHostBuffer<T>.Allocate(Context, length);
    }

    /// <summary>A new non-blocking stream.</summary>
    public CudaStream CreateStream()
    {
        ThrowIfDisposed();
        return new CudaStream(this);
    }

    /// <summary>A new timing event.</summary>
    public CudaEvent CreateEvent()
    {
        ThrowIfDisposed();
        return new CudaEvent(Context);
    }

    /// <summary>
    /// The embedded PTX module <paramref name="name"/> (<see cref="PtxSources"/>), JIT-compiled on first request and
    /// cached: later requests return the same module. The device owns it (its Dispose does nothing; the device's unloads it).
    /// </summary>
    /// <exception cref="ArgumentException">No module of that name is embedded.</exception>
    /// <exception cref="CudaException">The JIT failed; the message holds its error and info logs.</exception>
    public CudaModule Module(string name)
    {
        lock (moduleGate)
        {
            ThrowIfDisposed();
            if (!modules.TryGetValue(name, out var module))
                modules[name] = module = CudaModule.Load(this, name, PtxSources.Read(name), ownedByDevice: true);
            return module;
        }
    }

    /// <summary>Compiles every embedded module now, so the first inference does not pay for the JIT (about 100 ms per
    /// module the first time on a machine; the driver's disk cache, CUDA_CACHE_PATH, makes later processes fast).</summary>
    /// <exception cref="CudaException">A module failed to compile; the message holds the JIT logs.</exception>
    public void LoadAllModules()
    {
        foreach (string name in PtxSources.Modules) Module(name);
    }

    /// <summary>JIT-compiles <paramref name="ptx"/> into a module the caller owns (tests, experiments).</summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="ptx">The PTX text.</param>
    /// <exception cref="CudaException">The JIT failed; the message holds its error and info logs.</exception>
    public CudaModule LoadModule(string name, string ptx)
    {
        ArgumentNullException.ThrowIfNull(ptx);
        ThrowIfDisposed();
        return CudaModule.Load(this, name, ptx, ownedByDevice: false);
    }

    /// <summary>Waits until all work on the device has finished.</summary>
    public void Synchronize()
    {
        ThrowIfDisposed();
        Context.Bind();
        CudaCheck.Ok(cuCtxSynchronize());
    }

    /// <summary>Free and total device memory as the driver reports them.</summary>
    public unsafe (long FreeBytes, long TotalBytes) QueryMemory()
    {
        ThrowIfDisposed();
        nuint free, total;
        Context.Bind();
        CudaCheck.Ok(cuMemGetInfo_v2(&free, &total));
        return ((long)free, (long)total);
    }

    /// <summary>The caching allocator's figures: bytes in live buffers, bytes cached, driver allocations.</summary>
    public DeviceMemoryStatistics MemoryStatistics => Allocator.Statistics;

    /// <summary>Returns every cached (freed) block to the driver; returns the bytes released.</summary>
    public long TrimCache()
    {
        ThrowIfDisposed();
        return Allocator.Trim();
    }

    /// <summary>Unloads the device's modules, frees the cached memory and releases the primary context (after the last
    /// buffer, stream, event or caller-owned module made from it is disposed).</summary>
    public void Dispose()
    {
        lock (moduleGate)
        {
            if (disposed) return;
            disposed = true;
            foreach (var module in modules.Values) module.Unload();
            modules.Clear();
        }
        Allocator.Close();
        Context.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"CUDA device {Ordinal}: {Name} (compute {ComputeCapability}, {MultiprocessorCount} SMs)";

    private static unsafe CudaDevice Create(int ordinal)
    {
        int device;
        CudaCheck.Ok(cuDeviceGet(&device, ordinal));
        var context = PrimaryContext.Retain(device);
        try
        {
            return new CudaDevice(ordinal, device, context);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);
}
