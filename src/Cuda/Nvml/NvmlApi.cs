using System.Runtime.InteropServices;
using NativeDance.Cuda.Driver;

namespace NativeDance.Cuda.Nvml;

/// <summary>
/// The NVML entry points this library uses (libnvidia-ml.so.1, nvml.dll), blittable, by their exported names
/// (the <c>_v2</c> ones explicitly). Every function returns an <c>nvmlReturn_t</c>: 0 is success.
/// </summary>
internal static unsafe partial class NvmlApi
{
    static NvmlApi() => NativeLibraries.RegisterResolver();

    private const string Lib = NativeLibraries.Nvml;

    /// <summary>NVML_SUCCESS.</summary>
    public const int Success = 0;

    /// <summary>NVML_ERROR_NOT_SUPPORTED: the device lacks the feature (for example the energy counter before Volta).</summary>
    public const int NotSupported = 3;

    [LibraryImport(Lib)] public static partial int nvmlInit_v2();
    [LibraryImport(Lib)] public static partial int nvmlShutdown();
    [LibraryImport(Lib)] public static partial byte* nvmlErrorString(int result);
    [LibraryImport(Lib)] public static partial int nvmlDeviceGetCount_v2(uint* count);
    [LibraryImport(Lib)] public static partial int nvmlDeviceGetHandleByIndex_v2(uint index, nint* device);
    [LibraryImport(Lib)] public static partial int nvmlDeviceGetHandleByPciBusId_v2(byte* pciBusId, nint* device);
    [LibraryImport(Lib)] public static partial int nvmlDeviceGetName(nint device, byte* name, uint length);
    [LibraryImport(Lib)] public static partial int nvmlDeviceGetPowerUsage(nint device, uint* milliwatts);
    [LibraryImport(Lib)] public static partial int nvmlDeviceGetTotalEnergyConsumption(nint device, ulong* millijoules);
}
