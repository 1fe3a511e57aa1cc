using NativeDance.Pruning.Inference;
using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Profiling;

/// <summary>
/// Every timed run of one plan in a profile: when each clip started (microseconds since the profile began), its wall
/// time, the seconds of every step and gate mask, every conv's work, what every gate kept, R(x) and the predicted class.
/// Run r of every plan in one profile is the same clip, so runs of a dense and a gated plan compare clip by clip.
/// </summary>
public sealed class PlanRuns
{
    private readonly double[] _stepSeconds, _maskSeconds, _starts, _clipSeconds, _maskedMacRatios;
    private readonly ConvWorkCounters[] _work;
    private readonly GateCounts[] _gates;
    private readonly int[] _predictions;

    internal PlanRuns(string name, ProfiledPlan profiled, int runs)
    {
        var plan = profiled.Plan;
        Name = name;
        Device = profiled.Device;
        IsGated = plan.IsGated;
        Layers = plan.Layers;
        StepNames = plan.StepNames;
        StepLayers = plan.StepLayers;
        ControllerStep = plan.ControllerStepIndex;
        ControllerMacs = plan.Counters.ControllerMacs;
        GateCount = plan.Counters.Gates.Length;
        _stepSeconds = new double[runs * StepNames.Count];
        _maskSeconds = new double[runs * GateCount];
        _work = new ConvWorkCounters[runs * Layers.Count];
        _gates = new GateCounts[runs * GateCount];
        _starts = new double[runs];
        _clipSeconds = new double[runs];
        _maskedMacRatios = new double[runs];
        _predictions = new int[runs];
    }

    /// <summary>Which plan, e.g. <c>dense</c> or <c>gated</c>.</summary>
    public string Name { get; }

    /// <summary>Where it ran.</summary>
    public string Device { get; }

    /// <summary>Whether the plan was gated.</summary>
    public bool IsGated { get; }

    /// <summary>The plan's convolutions.</summary>
    public IReadOnlyList<PlanLayer> Layers { get; }

    /// <summary>The plan's steps.</summary>
    public IReadOnlyList<string> StepNames { get; }

    /// <summary>Per step, the conv it runs or -1.</summary>
    public IReadOnlyList<int> StepLayers { get; }

    /// <summary>The controller's step, or -1.</summary>
    public int ControllerStep { get; }

    /// <summary>The controller's multiply-adds per clip.</summary>
    public long ControllerMacs { get; }

    /// <summary>Gates of the plan (0 for a dense plan).</summary>
    public int GateCount { get; }

    /// <summary>Runs recorded.</summary>
    public int Count { get; private set; }

    /// <summary>Start of run <paramref name="run"/>, in microseconds since the profile began.</summary>
    public double StartMicroseconds(int run) => _starts[Check(run)];

    /// <summary>Wall-clock seconds of the whole run (every step plus the plan's own overhead).</summary>
    public double ClipSeconds(int run) => _clipSeconds[Check(run)];

    /// <summary>Seconds of every step in run <paramref name="run"/>.</summary>
    public ReadOnlySpan<double> StepSeconds(int run) => _stepSeconds.AsSpan(Check(run) * StepNames.Count, StepNames.Count);

    /// <summary>Seconds of every gate's masks in run <paramref name="run"/>.</summary>
    public ReadOnlySpan<double> MaskSeconds(int run) => _maskSeconds.AsSpan(Check(run) * GateCount, GateCount);

    /// <summary>Work of every conv in run <paramref name="run"/>.</summary>
    public ReadOnlySpan<ConvWorkCounters> Work(int run) => _work.AsSpan(Check(run) * Layers.Count, Layers.Count);

    /// <summary>What every gate kept in run <paramref name="run"/>.</summary>
    public ReadOnlySpan<GateCounts> Gates(int run) => _gates.AsSpan(Check(run) * GateCount, GateCount);

    /// <summary>R(x) of run <paramref name="run"/>.</summary>
    public double MaskedMacRatio(int run) => _maskedMacRatios[Check(run)];

    /// <summary>The class with the largest logit in run <paramref name="run"/>.</summary>
    public int Prediction(int run) => _predictions[Check(run)];

    /// <summary>Copies what the plan's last run did (its <paramref name="counters"/>).</summary>
    internal void Record(PlanCounters counters, double startMicroseconds, double seconds, ReadOnlySpan<float> logits)
    {
        int run = Count++;
        _starts[run] = startMicroseconds;
        _clipSeconds[run] = seconds;
        counters.StepSeconds.CopyTo(_stepSeconds.AsSpan(run * StepNames.Count));
        counters.GateMaskSeconds.CopyTo(_maskSeconds.AsSpan(run * GateCount));
        counters.LayerWork.CopyTo(_work.AsSpan(run * Layers.Count));
        counters.Gates.CopyTo(_gates.AsSpan(run * GateCount));
        _maskedMacRatios[run] = counters.MaskedMacRatio;
        _predictions[run] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
    }

    private int Check(int run) => (uint)run < (uint)Count ? run
        : throw new ArgumentOutOfRangeException(nameof(run), $"Run {run} is outside the {Count} recorded runs.");
}
