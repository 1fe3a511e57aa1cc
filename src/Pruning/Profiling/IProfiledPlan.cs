using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Profiling;

/// <summary>
/// A compiled inference plan as the profiler sees it: a per-step timing source plus the counters of its last run.
/// <see cref="ProfiledPlan"/> serves the CPU plan (steps timed by the CPU's clock) and the GPU plan (CUDA events around
/// every step) alike, so the profiler, its table and its trace serve both.
/// </summary>
public interface IProfiledPlan : IDisposable
{
    /// <summary>Where the plan runs, for headers and trace metadata, e.g. <c>cpu</c>.</summary>
    string Device { get; }

    /// <summary>Whether the plan runs DANCE's controller and masks.</summary>
    bool IsGated { get; }

    /// <summary>Values per clip.</summary>
    int ClipLength { get; }

    /// <summary>Logits per clip.</summary>
    int Classes { get; }

    /// <summary>The convolutions in execution order.</summary>
    IReadOnlyList<PlanLayer> Layers { get; }

    /// <summary>The passes in execution order.</summary>
    IReadOnlyList<string> StepNames { get; }

    /// <summary>Per step, the index in <see cref="Layers"/> of the conv it runs, or -1.</summary>
    IReadOnlyList<int> StepLayers { get; }

    /// <summary>Index of the controller's step, or -1 for a dense plan.</summary>
    int ControllerStep { get; }

    /// <summary>Multiply-adds of the controller per clip (0 for a dense plan).</summary>
    long ControllerMacs { get; }

    /// <summary>Runs one clip with per-step timing and writes its logits.</summary>
    void Run(ReadOnlySpan<float> clip, Span<float> logits);

    /// <summary>Seconds of every step in the last run.</summary>
    ReadOnlySpan<double> StepSeconds { get; }

    /// <summary>Seconds every gate spent on its masks in the last run (part of its step's time).</summary>
    ReadOnlySpan<double> GateMaskSeconds { get; }

    /// <summary>Work of every conv layer in the last run.</summary>
    ReadOnlySpan<ConvWorkCounters> LayerWork { get; }

    /// <summary>What every gate kept in the last run.</summary>
    ReadOnlySpan<GateCounts> Gates { get; }

    /// <summary>METHOD.md's R(x) of the last run (1 for a dense plan).</summary>
    double MaskedMacRatio { get; }
}

/// <summary>Compiles a plan of the model being profiled: dense without a controller, gated with one at a calibration scale.</summary>
public delegate IProfiledPlan PlanFactory(AapController? controller, float scale);
