using System.Diagnostics.CodeAnalysis;
using NativeDance.Cuda.Driver;
using static NativeDance.Cuda.Nvml.NvmlApi;

namespace NativeDance.Cuda.Nvml;

/// <summary>
/// An initialised NVML (the driver's management library: power, energy): open one, read devices, dispose it
/// (NVML counts initialisations, so sessions may overlap). Where NVML is absent, <see cref="TryOpen"/> says so in one line.
/// </summary>
/// <example><code>
/// if (NvmlSession.TryOpen(out var nvml, out string reason))
///     using (nvml) Console.WriteLine($"{nvml.DeviceFor(gpu).ReadPowerMilliwatts() / 1000.0:F1} W");
/// </code></example>
public sealed class NvmlSession : IDisposable
{
    private int disposed;

    private NvmlSession()
    {
    }

    /// <summary>Loads and initialises NVML; false with a one-line <paramref name="reason"/> where it is absent or fails.</summary>
    public static bool TryOpen([NotNullWhen(true)] out NvmlSession? session, out string reason)
    {
        session = null;
        var (handle, library) = NativeLibraries.LoadNvml();
        if (handle == 0)
        {
            reason = $"NVML ({library}) could not be loaded, so GPU power and energy cannot be read (it ships with the NVIDIA driver).";
            return false;
        }
        try
        {
            NvmlException.Check(nvmlInit_v2());
        }
        catch (Exception e) when (e is NvmlException or EntryPointNotFoundException)
        {
            reason = $"NVML ({library}) could not be initialised, so GPU power and energy cannot be read: {e.Message}";
            return false;
        }
        session = new NvmlSession();
        reason = "";
        return true;
    }

    /// <summary>Loads and initialises NVML.</summary>
    /// <exception cref="CudaUnavailableException">NVML is absent or failed to initialise (one line).</exception>
    public static NvmlSession Open() => TryOpen(out var session, out string reason) ? session : throw new CudaUnavailableException(reason);

    /// <summary>Devices NVML sees (all of them: NVML ignores CUDA_VISIBLE_DEVICES, so its indices may differ from CUDA ordinals).</summary>
    public unsafe int DeviceCount
    {
        get
        {
            ThrowIfDisposed();
            uint count;
            NvmlException.Check(nvmlDeviceGetCount_v2(&count));
            return (int)count;
        }
    }

    /// <summary>The device NVML numbers <paramref name="index"/>.</summary>
    public unsafe NvmlDevice Device(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ThrowIfDisposed();
        nint device;
        NvmlException.Check(nvmlDeviceGetHandleByIndex_v2((uint)index, &device));
        return new NvmlDevice(this, device);
    }

    /// <summary>The NVML view of a CUDA device, matched by PCI bus id (CUDA ordinals and NVML indices can differ).</summary>
    public unsafe NvmlDevice DeviceFor(CudaDevice cudaDevice)
    {
        ArgumentNullException.ThrowIfNull(cudaDevice);
        ThrowIfDisposed();
        byte[] busId = NativeText.NulTerminated(cudaDevice.PciBusId);
        nint device;
        fixed (byte* id = busId)
            NvmlException.Check(nvmlDeviceGetHandleByPciBusId_v2(id, &device), $"nvmlDeviceGetHandleByPciBusId_v2(\"{cudaDevice.PciBusId}\")");
        return new NvmlDevice(this, device);
    }

    /// <summary>Shuts this initialisation of NVML down; devices obtained from the session stop working.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) nvmlShutdown();
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
