using NativeDance.Cuda.Inference;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Profiling;

namespace NativeDance.Cuda.Profiling;

/// <summary>
/// A <see cref="CudaInferencePlan"/> with <see cref="CudaInferencePlan.CollectTimings"/> on: steps timed by CUDA events,
/// so the profiler's table, trace and folded stacks show GPU time per step (one synchronisation per clip).
/// </summary>
public sealed class CudaProfiledPlan : CountedProfiledPlan
{
    private readonly CudaInferencePlan _plan;

    /// <summary>Profiles <paramref name="plan"/> (and owns it: disposing this disposes the plan).</summary>
    public CudaProfiledPlan(CudaInferencePlan plan)
        : base("gpu", (plan ?? throw new ArgumentNullException(nameof(plan))).Counters,
            new PlanOutline(plan.IsGated, plan.ClipLength, plan.Classes, plan.Layers, plan.StepNames, plan.StepLayers, plan.ControllerStepIndex))
    {
        _plan = plan;
        _plan.CollectTimings = true;
    }

    /// <summary>
    /// Compiles GPU plans of <paramref name="model"/> for clips of <paramref name="frames"/> x <paramref name="height"/> x
    /// <paramref name="width"/>, each on <paramref name="device"/> (default: device 0, opened and closed with each plan).
    /// </summary>
    public static PlanFactory Factory(Module model, int frames, int height, int width, CudaDevice? device = null) =>
        (controller, scale) => new CudaProfiledPlan(CudaInferencePlan.Compile(model, frames, height, width, controller, scale, device));

    /// <inheritdoc/>
    public override void Run(ReadOnlySpan<float> clip, Span<float> logits) => _plan.Run(clip, logits);

    /// <summary>Disposes the plan.</summary>
    public override void Dispose() => _plan.Dispose();
}
