using NativeDance.Cuda;
using NativeDance.Pruning.Inference;

namespace NativeDance.Runtime.Execution;

/// <summary>The backends, and the choice among them for a requested <see cref="ComputeDevice"/>.</summary>
internal static class ExecutionBackends
{
    /// <summary>The CPU: <see cref="InferencePlan"/>s.</summary>
    public static PlanBackend Cpu { get; } = new(ComputeDevice.Cpu, static (model, clip, controller, scale) =>
    {
        var plan = InferencePlan.Compile(model, clip.Frames, clip.Height, clip.Width, controller, scale);
        return new CompiledPlan(plan, plan.Counters, plan.Run);
    });

    /// <summary>
    /// The GPU backend of this build, or null where it has none; asked for only where the driver sees a device. The CUDA
    /// inference plan is not part of this build yet: wiring it in is a backend like <see cref="Cpu"/> that compiles it.
    /// </summary>
    private static PlanBackend? Gpu => null;

    /// <summary>The backend for <paramref name="device"/>; Auto falls back to the CPU when no GPU can be used.</summary>
    /// <exception cref="CudaUnavailableException">The GPU was asked for and the driver, a device or the GPU backend is missing.</exception>
    public static PlanBackend Select(ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => Cpu,
        ComputeDevice.Gpu => UsableGpu(out string reason) ?? throw new CudaUnavailableException($"ComputeDevice.Gpu was asked for, but {reason} Use ComputeDevice.Cpu or ComputeDevice.Auto."),
        ComputeDevice.Auto => UsableGpu(out _) ?? Cpu,
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, $"Unknown compute device {device}."),
    };

    private static PlanBackend? UsableGpu(out string reason)
    {
        if (!CudaDriver.IsAvailable)
        {
            reason = $"no GPU can be used: {CudaDriver.UnavailableReason?.TrimEnd('.')}.";
            return null;
        }
        reason = Gpu is null ? "this build of NativeDance has no GPU inference plan." : "";
        return Gpu;
    }
}
