namespace NativeDance.Cuda.Nvml;

/// <summary>
/// Measures the energy a GPU uses over an interval from NVML's total-energy counter: <see cref="Start"/>, run the work
/// (synchronise the GPU before stopping), <see cref="Stop"/> returns joules. The counter covers the whole board, other
/// processes included, and advances in steps of tens of milliseconds: measure intervals of a second or more.
/// </summary>
/// <example><code>
/// var meter = new GpuEnergyMeter(nvml.DeviceFor(gpu));
/// meter.Start(); RunClips(); gpu.Synchronize();
/// double joulesPerClip = meter.Stop() / clips;
/// </code></example>
public sealed class GpuEnergyMeter(NvmlDevice device)
{
    private long startMillijoules = -1;

    /// <summary>The device measured.</summary>
    public NvmlDevice Device { get; } = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    public bool IsRunning => startMillijoules >= 0;

    /// <summary>Reads the counter as the interval's start.</summary>
    /// <exception cref="NvmlException">The device has no energy counter.</exception>
    public void Start() => startMillijoules = Device.ReadTotalEnergyMillijoules();

    /// <summary>Joules used since <see cref="Start"/>.</summary>
    /// <exception cref="InvalidOperationException">The meter was not started.</exception>
    public double Stop()
    {
        if (!IsRunning) throw new InvalidOperationException("GpuEnergyMeter.Stop was called without Start.");
        long used = Device.ReadTotalEnergyMillijoules() - startMillijoules;
        startMillijoules = -1;
        return used / 1000.0;
    }
}
