using NativeDance.Cuda.Driver;

namespace NativeDance.Cuda;

/// <summary>
/// Whether this process can use an NVIDIA GPU. The first query loads the driver (libcuda.so.1, nvcuda.dll) and
/// initialises it; nothing else in the library touches the driver before a GPU path is asked for.
/// </summary>
/// <example><code>
/// if (!CudaDriver.IsAvailable) Console.WriteLine(CudaDriver.UnavailableReason);
/// </code></example>
public static class CudaDriver
{
    /// <summary>The oldest driver this library's PTX runs on, as cuDriverGetVersion reports it (11080: CUDA 11.8).</summary>
    public const int RequiredVersion = DriverRequirement.MinimumVersion;

    /// <summary>True when the driver loaded, initialised, is recent enough and sees at least one device. Never throws.</summary>
    public static bool IsAvailable => DriverState.Current.FailureReason is null;

    /// <summary>Null when <see cref="IsAvailable"/>, else one actionable line saying why the GPU path cannot run.</summary>
    public static string? UnavailableReason => DriverState.Current.FailureReason;

    /// <summary>The driver's CUDA version as cuDriverGetVersion reports it (12040 for CUDA 12.4).</summary>
    /// <exception cref="CudaUnavailableException">The GPU path is unavailable.</exception>
    public static int Version
    {
        get
        {
            var state = DriverState.Current;
            state.ThrowIfUnavailable();
            return state.Version;
        }
    }

    /// <summary>Visible CUDA devices (CUDA_VISIBLE_DEVICES applies).</summary>
    /// <exception cref="CudaUnavailableException">The GPU path is unavailable.</exception>
    public static int DeviceCount
    {
        get
        {
            var state = DriverState.Current;
            state.ThrowIfUnavailable();
            return state.DeviceCount;
        }
    }

    /// <summary>A driver version as "major.minor" (12040 is "12.4").</summary>
    public static string FormatVersion(int version) => DriverRequirement.Format(version);
}
