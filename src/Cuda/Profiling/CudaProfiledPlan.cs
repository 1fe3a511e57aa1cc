using NativeDance.Cuda.Inference;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Inference;
using NativeDance.Pruning.Profiling;
using NativeDance.Tensors.Conv;

namespace NativeDance.Cuda.Profiling;

/// <summary>
/// A <see cref="CudaInferencePlan"/> with <see cref="CudaInferencePlan.CollectTimings"/> on: steps timed by CUDA events,
/// so the profiler's table, trace and folded stacks show GPU time per step (one synchronisation per clip).
/// </summary>
public sealed class CudaProfiledPlan : IProfiledPlan
{
    private readonly CudaInferencePlan _plan;

    /// <summary>Profiles <paramref name="plan"/> (and owns it: disposing this disposes the plan).</summary>
    public CudaProfiledPlan(CudaInferencePlan plan)
    {
        _plan = plan ?? throw new ArgumentNullException(nameof(plan));
        _plan.CollectTimings = true;
    }

    /// <summary>
    /// Compiles GPU plans of <paramref name="model"/> for clips of <paramref name="frames"/> x <paramref name="height"/> x
    /// <paramref name="width"/>, each on <paramref name="device"/> (default: device 0, opened and closed with each plan).
    /// </summary>
    public static PlanFactory Factory(Module model, int frames, int height, int width, CudaDevice? device = null) =>
        (controller, scale) => new CudaProfiledPlan(CudaInferencePlan.Compile(model, frames, height, width, controller, scale, device));

    /// <inheritdoc/>
    public string Device => "gpu";

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
