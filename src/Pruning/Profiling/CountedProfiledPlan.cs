using NativeDance.Pruning.Inference;
using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Profiling;

/// <summary>
/// An <see cref="IProfiledPlan"/> whose figures come from a compiled plan's <see cref="PlanCounters"/> and step list:
/// the CPU plan (<see cref="CpuProfiledPlan"/>) and the GPU plan share this reading, and differ only in how they run.
/// </summary>
/// <param name="device">Where the plan runs, e.g. <c>cpu</c>.</param>
/// <param name="counters">The plan's counters, rewritten by every run.</param>
/// <param name="outline">The plan's steps and layers.</param>
public abstract class CountedProfiledPlan(string device, PlanCounters counters, PlanOutline outline) : IProfiledPlan
{
    /// <inheritdoc/>
    public string Device { get; } = device;

    /// <inheritdoc/>
    public bool IsGated => outline.IsGated;

    /// <inheritdoc/>
    public int ClipLength => outline.ClipLength;

    /// <inheritdoc/>
    public int Classes => outline.Classes;

    /// <inheritdoc/>
    public IReadOnlyList<PlanLayer> Layers => outline.Layers;

    /// <inheritdoc/>
    public IReadOnlyList<string> StepNames => outline.StepNames;

    /// <inheritdoc/>
    public IReadOnlyList<int> StepLayers => outline.StepLayers;

    /// <inheritdoc/>
    public int ControllerStep => outline.ControllerStep;

    /// <inheritdoc/>
    public long ControllerMacs => counters.ControllerMacs;

    /// <inheritdoc/>
    public ReadOnlySpan<double> StepSeconds => counters.StepSeconds;

    /// <inheritdoc/>
    public ReadOnlySpan<double> GateMaskSeconds => counters.GateMaskSeconds;

    /// <inheritdoc/>
    public ReadOnlySpan<ConvWorkCounters> LayerWork => counters.LayerWork;

    /// <inheritdoc/>
    public ReadOnlySpan<GateCounts> Gates => counters.Gates;

    /// <inheritdoc/>
    public double MaskedMacRatio => counters.MaskedMacRatio;

    /// <inheritdoc/>
    public abstract void Run(ReadOnlySpan<float> clip, Span<float> logits);

    /// <summary>Disposes the plan.</summary>
    public abstract void Dispose();
}

/// <summary>What a compiled plan is made of, as the profiler reads it.</summary>
/// <param name="IsGated">Whether the plan runs DANCE's controller and masks.</param>
/// <param name="ClipLength">Values per clip.</param>
/// <param name="Classes">Logits per clip.</param>
/// <param name="Layers">The convolutions in execution order.</param>
/// <param name="StepNames">The passes in execution order.</param>
/// <param name="StepLayers">Per step, the index in <paramref name="Layers"/> of its conv, or -1.</param>
/// <param name="ControllerStep">Index of the controller's step, or -1.</param>
public sealed record PlanOutline(bool IsGated, int ClipLength, int Classes, IReadOnlyList<PlanLayer> Layers, IReadOnlyList<string> StepNames,
    IReadOnlyList<int> StepLayers, int ControllerStep);
