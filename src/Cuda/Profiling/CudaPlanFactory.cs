using NativeDance.Cuda.Inference;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Profiling;

namespace NativeDance.Cuda.Profiling;

/// <summary>
/// Profiled <see cref="CudaInferencePlan"/>s: steps timed by CUDA events, so the profiler's table, trace and folded stacks
/// show GPU time per step (one synchronisation per clip).
/// </summary>
public static class CudaPlanFactory
{
    /// <summary>
    /// Compiles GPU plans of <paramref name="model"/> for clips of <paramref name="frames"/> x <paramref name="height"/> x
    /// <paramref name="width"/>, each on <paramref name="device"/> (default: device 0, opened and closed with each plan).
    /// </summary>
    /// <example><code>var compile = CudaPlanFactory.Create(model, 16, 112, 112);
    /// using var gated = compile(controller, scale);</code></example>
    public static PlanFactory Create(Module model, int frames, int height, int width, CudaDevice? device = null) =>
        (controller, scale) => new ProfiledPlan(CudaInferencePlan.Compile(model, frames, height, width, controller, scale, device), "gpu");
}
