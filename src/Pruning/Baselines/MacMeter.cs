using NativeDance.Models.Layers;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// Counts what one forward pass of a batch executes, clip by clip: each gate reports the masked input its conv sees;
/// convs whose output channels a method removes statically are charged for the kept ones only; a method's own per-clip
/// overhead (e.g. a saliency predictor) is added to every clip. <see cref="Ratios"/> then gives each clip's executed-MAC
/// ratio R(x) over the dense network.
/// </summary>
public sealed class MacMeter
{
    private readonly NetworkMacs _macs;
    private readonly IReadOnlyDictionary<Conv3d, int> _keptOutputs;
    private readonly double _overheadMacs;
    private double[] _gateMacs = [];
    private bool[] _seen = [];

    /// <summary>Meters <paramref name="macs"/>'s network.</summary>
    /// <param name="macs">The network's arithmetic.</param>
    /// <param name="keptOutputs">Output channels each statically pruned conv still computes (others: all).</param>
    /// <param name="overheadMacs">The method's own MACs per clip, outside the convs.</param>
    public MacMeter(NetworkMacs macs, IReadOnlyDictionary<Conv3d, int>? keptOutputs = null, double overheadMacs = 0)
    {
        if (overheadMacs < 0) throw new ArgumentException($"Overhead MACs must not be negative, got {overheadMacs}.", nameof(overheadMacs));
        _macs = macs;
        _keptOutputs = keptOutputs ?? new Dictionary<Conv3d, int>();
        _overheadMacs = overheadMacs;
    }

    /// <summary>The network's arithmetic.</summary>
    public NetworkMacs Network => _macs;

    /// <summary>Starts a batch of <paramref name="clips"/> clips.</summary>
    public void Begin(int clips)
    {
        _gateMacs = new double[clips * _macs.Gates.Count];
        _seen = new bool[_macs.Gates.Count];
    }

    /// <summary>Records the masked input [N, T, H, W, C] that gate <paramref name="gate"/>'s conv executes on.</summary>
    public void Record(int gate, Tensor maskedInput)
    {
        int clips = maskedInput.Shape[0];
        if (clips * _macs.Gates.Count != _gateMacs.Length)
            throw new InvalidOperationException($"Gate {gate} saw {clips} clips; the meter was started for {_gateMacs.Length / Math.Max(1, _macs.Gates.Count)}.");
        using var dense = maskedInput.Contiguous();
        var conv = _macs.Gates[gate].Gate.Conv;
        int outputs = KeptOutputs(conv);
        int clip = dense.ElementCount / clips;
        for (int n = 0; n < clips; n++)
            _gateMacs[n * _macs.Gates.Count + gate] = _macs.ExecutedMacs(gate, dense.Span.Slice(n * clip, clip), outputs);
        _seen[gate] = true;
    }

    /// <summary>R(x) of every clip of the batch: (ungated convs over their kept outputs + weighted gated convs + overhead) / dense.</summary>
    /// <exception cref="InvalidOperationException">A gate did not report.</exception>
    public double[] Ratios()
    {
        int gates = _macs.Gates.Count;
        int missing = Array.IndexOf(_seen, false);
        if (missing >= 0) throw new InvalidOperationException($"Gate {missing} did not report its input in this pass.");
        double ungated = _overheadMacs;
        foreach (var (conv, _) in _macs.DenseMacs)
            if (_macs.GateOf(conv) < 0) ungated += _macs.UngatedMacs(conv, KeptOutputs(conv));
        var ratios = new double[_gateMacs.Length / Math.Max(1, gates)];
        for (int n = 0; n < ratios.Length; n++)
        {
            double sum = ungated;
            for (int g = 0; g < gates; g++) sum += _macs.WeightedGateMacs(g, _gateMacs[n * gates + g]);
            ratios[n] = sum / _macs.TotalDenseMacs;
        }
        return ratios;
    }

    private int KeptOutputs(Conv3d conv) => _keptOutputs.TryGetValue(conv, out int kept) ? kept : conv.OutChannels;
}
