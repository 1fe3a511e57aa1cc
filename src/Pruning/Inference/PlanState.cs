using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Inference;

/// <summary>What the steps of one plan share while a clip runs: the arena, the clip, the controller's multipliers and the counters.</summary>
internal sealed unsafe class PlanState(int gates, int layers)
{
    /// <summary>The arena of activation buffers (null once disposed).</summary>
    public float* Arena;

    /// <summary>The caller's clip, pinned for the duration of one run.</summary>
    public float* Clip;

    /// <summary>Per gate (kF, kC, kE) times the calibration scale: [3 * gates], written by the controller step.</summary>
    public float[] Multipliers { get; } = new float[3 * gates];

    /// <summary>Work of every conv layer in the last run.</summary>
    public ConvWorkCounters[] LayerWork { get; } = new ConvWorkCounters[layers];

    /// <summary>What every gate kept in the last run.</summary>
    public GateCounts[] Gates { get; } = new GateCounts[gates];

    /// <summary>Whether steps time their parts (set for a timed run).</summary>
    public bool CollectTimings;

    /// <summary>Seconds each gate spent computing and applying its masks (statistics, thresholds, masking) in the last timed run.</summary>
    public double[] GateMaskSeconds { get; } = new double[gates];

    /// <summary>The one mask object every gated conv refills, sized for the largest gate (gates run one after another).</summary>
    public Conv3dInputMask? Mask { get; set; }

    public float* Pointer(PlanValue value) => value.IsClip ? Clip : Arena + value.Offset;

    public Span<float> Span(PlanValue value) => new(Pointer(value), value.Length);
}
