using NativeDance.Models.Modules;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Profiling;

/// <summary>
/// An <see cref="IInferencePlan"/> of any device with <see cref="IInferencePlan.CollectTimings"/> on, read by the profiler
/// through its step list and <see cref="PlanCounters"/>: the CPU plan's steps are timed by the CPU clock, the GPU plan's by
/// CUDA events (one synchronisation per clip). Owns the plan: disposing this disposes it.
/// </summary>
/// <example><code>using var profiled = new ProfiledPlan(InferencePlan.Compile(model, 16, 32, 32), "cpu");
/// profiled.Run(clip, logits);
/// Console.WriteLine(profiled.StepSeconds[0]);</code></example>
public sealed class ProfiledPlan : IProfiledPlan
{
    private readonly IInferencePlan _plan;

    /// <summary>Profiles <paramref name="plan"/>, which runs on <paramref name="device"/> (e.g. <c>cpu</c>, <c>gpu</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="device"/> is null or blank.</exception>
    public ProfiledPlan(IInferencePlan plan, string device)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        _plan = plan;
        Device = device;
        _plan.CollectTimings = true;
    }

    /// <summary>Compiles CPU plans of <paramref name="model"/> for clips of <paramref name="frames"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static PlanFactory CpuFactory(Module model, int frames, int height, int width) =>
        (controller, scale) => new ProfiledPlan(InferencePlan.Compile(model, frames, height, width, controller, scale), "cpu");

    /// <inheritdoc/>
    public string Device { get; }

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
