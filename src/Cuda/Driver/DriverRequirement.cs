namespace NativeDance.Cuda.Driver;

/// <summary>
/// The driver our PTX needs and the one-line reasons the GPU path is unavailable. Every kernel in cuda-kernels/ is
/// PTX ISA 7.8, which the driver JIT accepts from CUDA 11.8 on (cuDriverGetVersion 11080).
/// </summary>
internal static class DriverRequirement
{
    /// <summary>The oldest driver API version (1000 * major + 10 * minor) that JIT-compiles our PTX.</summary>
    public const int MinimumVersion = 11080;

    /// <summary>The PTX ISA version of the kernels this library ships.</summary>
    public const string PtxIsa = "7.8";

    private const string CpuStillWorks = "the CPU backend works without it.";

    /// <summary>A driver API version as "major.minor" (12040 is "12.4").</summary>
    public static string Format(int version) => $"{version / 1000}.{version % 1000 / 10}";

    /// <summary>Null when <paramref name="version"/> runs our PTX, else the reason naming both versions.</summary>
    public static string? CheckVersion(int version) => version >= MinimumVersion
        ? null
        : $"The NVIDIA driver supports CUDA {Format(version)} but NativeDance's PTX (ISA {PtxIsa}) needs CUDA {Format(MinimumVersion)} or later: update the NVIDIA driver; {CpuStillWorks}";

    /// <summary>The reason when no candidate file of the driver library loads.</summary>
    public static string LibraryMissing(string library) =>
        $"No NVIDIA GPU: the CUDA driver library {library} could not be loaded (install the NVIDIA driver); {CpuStillWorks}";

    /// <summary>The reason when the driver loads but sees no device.</summary>
    public static string NoDevice(string library) =>
        $"No NVIDIA GPU: the CUDA driver ({library}) reports no device (check CUDA_VISIBLE_DEVICES and the GPU's power); {CpuStillWorks}";

    /// <summary>The reason when cuInit (or another start-up call) fails otherwise.</summary>
    public static string StartFailed(string library, string call, CudaResult result)
    {
        var (name, description) = CudaErrorText.Describe(result);
        return $"The CUDA driver ({library}) could not start: {call} returned {name} ({description}); {CpuStillWorks}";
    }

    /// <summary>The reason when the driver lacks an entry point this binding needs (a driver far older than required).</summary>
    public static string EntryPointMissing(string library, string message) =>
        $"The CUDA driver ({library}) lacks an entry point NativeDance needs ({message}): update the NVIDIA driver to CUDA {Format(MinimumVersion)} or later; {CpuStillWorks}";
}
