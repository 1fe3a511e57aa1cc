using NativeDance.Cuda;
using NativeDance.Cuda.Inference;
using NativeDance.Pruning.Inference;

namespace NativeDance.Runtime.Execution;

/// <summary>The backends, and the choice among them for a requested <see cref="ComputeDevice"/>.</summary>
internal static class ExecutionBackends
{
    /// <summary>The CPU: <see cref="InferencePlan"/>s.</summary>
    public static PlanBackend Cpu { get; } = new(ComputeDevice.Cpu, static (model, clip, controller, scale) =>
        new CompiledPlan(InferencePlan.Compile(model, clip.Frames, clip.Height, clip.Width, controller, scale)));

    /// <summary>The GPU: <see cref="CudaInferencePlan"/>s on device 0; asked for only where the driver is usable.</summary>
    private static PlanBackend Gpu { get; } = new(ComputeDevice.Gpu, static (model, clip, controller, scale) =>
        new CompiledPlan(CudaInferencePlan.Compile(model, clip.Frames, clip.Height, clip.Width, controller, scale)));

    /// <summary>The backend for <paramref name="device"/>; Auto falls back to the CPU when no GPU can be used.</summary>
    /// <exception cref="CudaUnavailableException">The GPU was asked for and the driver or a device is missing.</exception>
    public static PlanBackend Select(ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => Cpu,
        ComputeDevice.Gpu => CudaDriver.IsAvailable ? Gpu
            : throw new CudaUnavailableException($"ComputeDevice.Gpu was asked for, but no GPU can be used: {CudaDriver.UnavailableReason?.TrimEnd('.')}. Use ComputeDevice.Cpu or ComputeDevice.Auto."),
        ComputeDevice.Auto => CudaDriver.IsAvailable ? Gpu : Cpu,
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, $"Unknown compute device {device}."),
    };
}
