using NativeDance.Cuda.Driver;
using static NativeDance.Cuda.Nvml.NvmlApi;

namespace NativeDance.Cuda.Nvml;

/// <summary>One GPU as NVML sees it: its live power draw and its total-energy counter. Valid while its session is open.</summary>
/// <example><code>
/// using var nvml = NvmlSession.Open();
/// Console.WriteLine($"{nvml.Device(0).Name}: {nvml.Device(0).ReadPowerMilliwatts() / 1000.0:F1} W");
/// </code></example>
public sealed class NvmlDevice
{
    private readonly NvmlSession session;
    private readonly nint device;

    internal NvmlDevice(NvmlSession session, nint device)
    {
        this.session = session;
        this.device = device;
    }

    /// <summary>The product name.</summary>
    public unsafe string Name
    {
        get
        {
            session.ThrowIfDisposed();
            const int Bytes = 256;
            byte* name = stackalloc byte[Bytes];
            NvmlException.Check(nvmlDeviceGetName(device, name, Bytes));
            return NativeText.Read(new ReadOnlySpan<byte>(name, Bytes));
        }
    }

    /// <summary>The board's current power draw in milliwatts (averaged by the driver over a short window).</summary>
    /// <exception cref="NvmlException">The device does not report power (code 3, not supported).</exception>
    public unsafe long ReadPowerMilliwatts()
    {
        session.ThrowIfDisposed();
        uint milliwatts;
        NvmlException.Check(nvmlDeviceGetPowerUsage(device, &milliwatts));
        return milliwatts;
    }

    /// <summary>Energy the GPU has used since the driver was loaded, in millijoules (Volta and later; updated every few
    /// tens of milliseconds, so measure intervals well above that).</summary>
    /// <exception cref="NvmlException">The device has no energy counter (code 3, not supported).</exception>
    public unsafe long ReadTotalEnergyMillijoules()
    {
        session.ThrowIfDisposed();
        ulong millijoules;
        NvmlException.Check(nvmlDeviceGetTotalEnergyConsumption(device, &millijoules));
        return (long)millijoules;
    }
}
