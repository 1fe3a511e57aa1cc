using NativeDance.Models.Modules;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Profiling;

/// <summary>An <see cref="InferencePlan"/> with <see cref="InferencePlan.CollectTimings"/> on: steps timed by the CPU clock.</summary>
public sealed class CpuProfiledPlan : IProfiledPlan
{
    private readonly InferencePlan _plan;

    /// <summary>Profiles <paramref name="plan"/> (and owns it: disposing this disposes the plan).</summary>
    public CpuProfiledPlan(InferencePlan plan)
    {
        _plan = plan ?? throw new ArgumentNullException(nameof(plan));
        _plan.CollectTimings = true;
    }

    /// <summary>Compiles CPU plans of <paramref name="model"/> for clips of <paramref name="frames"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static PlanFactory Factory(Module model, int frames, int height, int width) =>
        (controller, scale) => new CpuProfiledPlan(InferencePlan.Compile(model, frames, height, width, controller, scale));

    /// <inheritdoc/>
    public string Device => "cpu";

    /// <inheritdoc/>
    public bool IsGated => _plan.IsGated;

    /// <inheritdoc/>
    public int ClipLength => _plan.ClipLength;

    /// <inheritdoc/>
    public int Classes => _plan.Classes;

    /// <inheritdoc/>
    public IReadOnlyList<PlanLayer> Layers => _plan.Layers;

    /// <inheritdoc/>
    public IReadOnlyList<string> StepNames => _plan.StepNames;

    /// <inheritdoc/>
    public IReadOnlyList<int> StepLayers => _plan.StepLayers;

    /// <inheritdoc/>
    public int ControllerStep => _plan.ControllerStepIndex;

    /// <inheritdoc/>
    public long ControllerMacs => _plan.Counters.ControllerMacs;

    /// <inheritdoc/>
    public ReadOnlySpan<double> StepSeconds => _plan.Counters.StepSeconds;

    /// <inheritdoc/>
    public ReadOnlySpan<double> GateMaskSeconds => _plan.Counters.GateMaskSeconds;

    /// <inheritdoc/>
    public ReadOnlySpan<ConvWorkCounters> LayerWork => _plan.Counters.LayerWork;

    /// <inheritdoc/>
    public ReadOnlySpan<GateCounts> Gates => _plan.Counters.Gates;

    /// <inheritdoc/>
    public double MaskedMacRatio => _plan.Counters.MaskedMacRatio;

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> clip, Span<float> logits) => _plan.Run(clip, logits);

    /// <summary>Disposes the plan.</summary>
    public void Dispose() => _plan.Dispose();
}
