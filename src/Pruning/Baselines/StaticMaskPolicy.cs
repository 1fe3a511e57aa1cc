using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// A fixed 0/1 mask per gate, the same for every clip, broadcast over the conv input [N, T, H, W, C]: a channel mask
/// has shape [1, 1, 1, 1, C] (static channel pruning), a frame mask [1, T, 1, 1, 1] (uniform frame subsampling).
/// Gates without a mask pass their input unchanged. Owns the mask tensors.
/// </summary>
public sealed class StaticMaskPolicy : GatePolicy, IDisposable
{
    private readonly Dictionary<int, Tensor> _masks;

    private StaticMaskPolicy(Dictionary<int, Tensor> masks) => _masks = masks;

    /// <summary>Kept channels per gate (true = kept); gates not listed keep all.</summary>
    public static StaticMaskPolicy Channels(IReadOnlyDictionary<int, bool[]> kept) =>
        new(kept.ToDictionary(p => p.Key, p => Mask(p.Value, c => new Shape(1, 1, 1, 1, c))));

    /// <summary>Kept frames per gate (true = kept); gates not listed keep all.</summary>
    public static StaticMaskPolicy Frames(IReadOnlyDictionary<int, bool[]> kept) =>
        new(kept.ToDictionary(p => p.Key, p => Mask(p.Value, t => new Shape(1, t, 1, 1, 1))));

    /// <inheritdoc />
    protected override Variable Apply(ActivationGate gate, Variable activation) =>
        _masks.TryGetValue(gate.Index, out var mask) ? activation * Variable.Constant(mask) : activation;

    /// <summary>
    /// The MAC ratio a dense kernel on the compacted problem would execute: <paramref name="meter"/>'s count for inputs
    /// of all ones under these masks, so only the pruned structure is credited, not the zeros the ReLUs produce.
    /// </summary>
    public double StructuralMacRatio(MacMeter meter)
    {
        meter.Begin(1);
        for (int gate = 0; gate < meter.Network.Gates.Count; gate++)
        {
            using var ones = Tensor.Full(meter.Network.GateInput(gate), 1f);
            using var masked = _masks.TryGetValue(gate, out var mask) ? ones * mask : ones.Clone();
            meter.Record(gate, masked);
        }
        return meter.Ratios()[0];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var mask in _masks.Values) mask.Dispose();
        _masks.Clear();
    }

    private static Tensor Mask(bool[] kept, Func<int, Shape> shape)
    {
        if (!kept.Contains(true)) throw new ArgumentException("A static mask must keep at least one slice.", nameof(kept));
        return Tensor.FromData(shape(kept.Length), kept.Select(k => k ? 1f : 0f).ToArray());
    }
}
