using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda.Driver;

/// <summary>
/// What the CUDA driver offers this process, established once on first use and never throwing: loaded or not,
/// initialised or not, its version and device count, or the one-line reason the GPU path is unavailable.
/// </summary>
/// <param name="FailureReason">Why the GPU path cannot run, or null when it can.</param>
/// <param name="Version">The driver API version (0 when the driver did not load).</param>
/// <param name="DeviceCount">Visible devices (0 when unavailable).</param>
internal sealed record DriverState(string? FailureReason, int Version, int DeviceCount)
{
    private static readonly Lazy<DriverState> State = new(Initialize);

    /// <summary>The process's driver state (computed on first access).</summary>
    public static DriverState Current => State.Value;

    /// <summary>Throws <see cref="CudaUnavailableException"/> with <see cref="FailureReason"/> unless the driver runs.</summary>
    public void ThrowIfUnavailable()
    {
        if (FailureReason is not null) throw new CudaUnavailableException(FailureReason);
    }

    private static unsafe DriverState Initialize()
    {
        var (handle, library) = NativeLibraries.LoadCuda();
        if (handle == 0) return new(DriverRequirement.LibraryMissing(library), 0, 0);
        try
        {
            int version = 0, count = 0;
            CudaResult result = cuDriverGetVersion(&version);
            if (result != CudaResult.Success) return new(DriverRequirement.StartFailed(library, "cuDriverGetVersion", result), 0, 0);
            if (DriverRequirement.CheckVersion(version) is { } tooOld) return new(tooOld, version, 0);
            result = cuInit(0);
            if (result == CudaResult.NoDevice) return new(DriverRequirement.NoDevice(library), version, 0);
            if (result != CudaResult.Success) return new(DriverRequirement.StartFailed(library, "cuInit(0)", result), version, 0);
            result = cuDeviceGetCount(&count);
            if (result != CudaResult.Success) return new(DriverRequirement.StartFailed(library, "cuDeviceGetCount", result), version, 0);
            return count == 0 ? new(DriverRequirement.NoDevice(library), version, 0) : new(null, version, count);
        }
        catch (EntryPointNotFoundException e)
        {
            return new(DriverRequirement.EntryPointMissing(library, e.Message), 0, 0);
        }
    }
}
