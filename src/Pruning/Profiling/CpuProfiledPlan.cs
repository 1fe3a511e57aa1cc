using NativeDance.Models.Modules;
using NativeDance.Pruning.Inference;

namespace NativeDance.Pruning.Profiling;

/// <summary>An <see cref="InferencePlan"/> with <see cref="InferencePlan.CollectTimings"/> on: steps timed by the CPU clock.</summary>
public sealed class CpuProfiledPlan : CountedProfiledPlan
{
    private readonly InferencePlan _plan;

    /// <summary>Profiles <paramref name="plan"/> (and owns it: disposing this disposes the plan).</summary>
    public CpuProfiledPlan(InferencePlan plan)
        : base("cpu", (plan ?? throw new ArgumentNullException(nameof(plan))).Counters,
            new PlanOutline(plan.IsGated, plan.ClipLength, plan.Classes, plan.Layers, plan.StepNames, plan.StepLayers, plan.ControllerStepIndex))
    {
        _plan = plan;
        _plan.CollectTimings = true;
    }

    /// <summary>Compiles CPU plans of <paramref name="model"/> for clips of <paramref name="frames"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static PlanFactory Factory(Module model, int frames, int height, int width) =>
        (controller, scale) => new CpuProfiledPlan(InferencePlan.Compile(model, frames, height, width, controller, scale));

    /// <inheritdoc/>
    public override void Run(ReadOnlySpan<float> clip, Span<float> logits) => _plan.Run(clip, logits);

    /// <summary>Disposes the plan.</summary>
    public override void Dispose() => _plan.Dispose();
}
