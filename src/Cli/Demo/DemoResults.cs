using NativeDance.Data;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Methods;

namespace NativeDance.Cli.Demo;

/// <summary>Per-clip latency of our dense inference plan and the DANCE-gated plan, timed side by side in one run.</summary>
/// <param name="DenseMs">Median dense per-clip latency.</param>
/// <param name="GatedMs">Median gated per-clip latency (controller included).</param>
/// <param name="MaskedBytesRatio">Mean over the clips of the least bytes the gated convs must move under their masks over
/// the dense convs' (<see cref="NativeDance.Pruning.Inference.PlanCounters.MaskedBytesRatio"/>): what the masks save.</param>
/// <param name="KernelBytesRatio">Bytes the gated plan's kernels counted over the dense plan's, tiling re-reads included.</param>
/// <param name="Clips">Clips timed.</param>
internal sealed record LatencyResult(double DenseMs, double GatedMs, double MaskedBytesRatio, double KernelBytesRatio, int Clips)
{
    /// <summary>Dense latency over gated latency.</summary>
    public double Speedup => DenseMs / GatedMs;
}

/// <summary>Everything the demo measured, for the report and summary.json.</summary>
internal sealed class DemoResults
{
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public required ClipSpec Clip { get; init; }
    public required int Threads { get; init; }
    public required int TrainClips { get; init; }
    public required int EvalClips { get; init; }
    public double DenseAccuracy { get; set; }
    public double AvaAccuracy { get; set; }
    public IReadOnlyList<GateVariability> VariabilityBefore { get; set; } = [];
    public IReadOnlyList<GateVariability> VariabilityAfter { get; set; } = [];
    public IReadOnlyList<string> GateNames { get; set; } = [];
    public MethodResult? Dance { get; set; }
    public GatedEvaluation? DanceTest { get; set; }
    public float Scale { get; set; }
    public IReadOnlyList<CalibrationPoint> Calibration { get; set; } = [];
    public List<MethodResult> Methods { get; } = [];
    public LatencyResult? Latency { get; set; }
    public IReadOnlyList<(string Name, double Seconds)> Stages { get; set; } = [];
    public double WallSeconds { get; set; }
}
