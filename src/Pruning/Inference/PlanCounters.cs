using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Inference;

/// <summary>
/// What the last <see cref="InferencePlan.Run"/> did, overwritten by every run and readable without allocating: the work
/// of every conv layer (counted by the sparse kernel, or analytically for dense and dense-compacted convs), what every
/// gate kept, the controller's own cost and, when <see cref="InferencePlan.CollectTimings"/> is set, the seconds of every step.
/// </summary>
public sealed class PlanCounters
{
    private readonly ConvWorkCounters[] _layerWork;
    private readonly GateCounts[] _gates;
    private readonly double[] _gateMaskSeconds;
    private readonly double[] _stepSeconds;
    private readonly long _denseExecutedMacs;
    private readonly PlanLayer[] _layers;

    // The arrays are the executor's own, rewritten by every run.
    internal PlanCounters(ConvWorkCounters[] layerWork, GateCounts[] gates, double[] gateMaskSeconds, PlanLayer[] layers, int steps,
        long denseExecutedMacs, long controllerMacs)
    {
        _layerWork = layerWork;
        _gates = gates;
        _gateMaskSeconds = gateMaskSeconds;
        _layers = layers;
        _stepSeconds = new double[steps];
        _denseExecutedMacs = denseExecutedMacs;
        ControllerMacs = controllerMacs;
    }

    /// <summary>Work of each conv layer, indexed like <see cref="InferencePlan.Layers"/>.</summary>
    public ReadOnlySpan<ConvWorkCounters> LayerWork => _layerWork;

    /// <summary>What each gate kept, by gate index (empty for a dense plan).</summary>
    public ReadOnlySpan<GateCounts> Gates => _gates;

    /// <summary>Multiply-adds of the controller's MLP per clip (0 for a dense plan); its feature pass reads A_1 once.</summary>
    public long ControllerMacs { get; }

    /// <summary>Seconds of each step (named by <see cref="InferencePlan.StepNames"/>) in the last run, when timings are collected.</summary>
    public ReadOnlySpan<double> StepSeconds => _stepSeconds;

    /// <summary>
    /// Seconds each gate spent on its masks in the last timed run (statistics pass, thresholds, masking pass): the part of
    /// its step's time in <see cref="StepSeconds"/> that is not the conv.
    /// </summary>
    public ReadOnlySpan<double> GateMaskSeconds => _gateMaskSeconds;

    /// <summary>The work of all conv layers together.</summary>
    public ConvWorkCounters Total
    {
        get
        {
            var total = default(ConvWorkCounters);
            foreach (var work in _layerWork) total += work;
            return total;
        }
    }

    /// <summary>Executed conv MACs over those of the dense plan (padding taps excluded from both): 1 for a dense plan.</summary>
    public double ExecutedMacRatio => (double)Total.Macs / _denseExecutedMacs;

    /// <summary>
    /// METHOD.md's R(x) of the last clip, as <see cref="Dance.GatedForward"/> reports it: every gated conv's conventional
    /// dense MACs times its gate's <see cref="GateCounts.MacFraction"/>, ungated convs dense, over all convs' dense MACs.
    /// </summary>
    public double MaskedMacRatio => KeptOverDense(static l => l.DenseMacs, static (l, gate) => l.DenseMacs * gate.MacFraction);

    /// <summary>
    /// The bytes counterpart of <see cref="MaskedMacRatio"/> for the last clip: the least bytes the conv layers must move
    /// under the masks (<see cref="PlanLayer.MaskedBytes"/>; ungated convs <see cref="PlanLayer.DenseBytes"/>) over the
    /// least bytes of the dense plan. 1 for a dense plan.
    /// </summary>
    public double MaskedBytesRatio => KeptOverDense(static l => l.DenseBytes, static (l, gate) => l.MaskedBytes(gate));

    /// <summary>Sum over the conv layers of what a gate kept (ungated layers: their dense figure) over the sum of the dense figures.</summary>
    private double KeptOverDense(Func<PlanLayer, double> dense, Func<PlanLayer, GateCounts, double> kept)
    {
        double keptSum = 0, denseSum = 0;
        foreach (var layer in _layers)
        {
            denseSum += dense(layer);
            keptSum += layer.Gate < 0 ? dense(layer) : kept(layer, _gates[layer.Gate]);
        }
        return keptSum / denseSum;
    }

    internal Span<double> StepSecondsBuffer => _stepSeconds;
}
