using NativeDance.Cuda;

namespace NativeDance.Runtime.Execution;

/// <summary>Picks the backend for a requested <see cref="ComputeDevice"/>.</summary>
internal static class ExecutionBackends
{
    /// <summary>
    /// The GPU backend of this build, or null where it has none. The CUDA inference plan is not part of this build yet:
    /// wiring it in means returning its backend here (called only where the driver sees a device).
    /// </summary>
    private static IExecutionBackend? GpuBackend() => null;

    /// <summary>The backend for <paramref name="device"/>; Auto falls back to the CPU when no GPU can be used.</summary>
    /// <exception cref="CudaUnavailableException">The GPU was asked for and the driver, a device or the GPU backend is missing.</exception>
    public static IExecutionBackend Select(ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => CpuBackend.Instance,
        ComputeDevice.Gpu => UsableGpu(out string reason) ?? throw new CudaUnavailableException($"ComputeDevice.Gpu was asked for, but {reason} Use ComputeDevice.Cpu or ComputeDevice.Auto."),
        ComputeDevice.Auto => UsableGpu(out _) ?? CpuBackend.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, $"Unknown compute device {device}."),
    };

    private static IExecutionBackend? UsableGpu(out string reason)
    {
        if (!CudaDriver.IsAvailable)
        {
            reason = $"no GPU can be used: {CudaDriver.UnavailableReason?.TrimEnd('.')}.";
            return null;
        }
        var gpu = GpuBackend();
        reason = gpu is null ? "this build of NativeDance has no GPU inference plan." : "";
        return gpu;
    }
}
