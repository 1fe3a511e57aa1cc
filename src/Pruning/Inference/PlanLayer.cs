using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Inference;

/// <summary>One convolution of a compiled plan (batch norm folded in).</summary>
/// <param name="Name">Dotted name of the conv in the model, e.g. <c>conv2</c> or <c>layer2.0.conv1.0</c>.</param>
/// <param name="Geometry">The convolution for one clip.</param>
/// <param name="Gate">Index of the gate masking its input in a gated plan, or -1 (conv1, shortcuts, ungated convs, every conv of a dense plan).</param>
public sealed record PlanLayer(string Name, Conv3dGeometry Geometry, int Gate)
{
    /// <summary>Conventional dense MACs (padding taps included).</summary>
    public long DenseMacs => Geometry.DenseMacs;

    /// <summary>Bytes the conv must move at the least on its whole input: every input value, every weight and every output once.</summary>
    public long DenseBytes => (Geometry.InputLength + Geometry.Kernel.Volume * (long)Geometry.InChannels * Geometry.OutChannels + Geometry.OutputLength) * sizeof(float);

    /// <summary>
    /// The least bytes the conv must move under a gate's masks: its kept non-zero input values, the weights of its kept
    /// channels (none when no frame is kept) and its output, once each. The bytes counterpart of R(x): what the masks
    /// save in memory traffic, independent of which kernel ran (the kernels' own counts include the re-reads their
    /// tiling causes, which differ between the dense-compacted and the sparse-input kernel).
    /// </summary>
    public long MaskedBytes(in GateCounts gate)
    {
        long weights = gate.KeptFrames == 0 ? 0 : Geometry.Kernel.Volume * (long)gate.KeptChannels * Geometry.OutChannels;
        return (gate.KeptFeatures + weights + Geometry.OutputLength) * sizeof(float);
    }

    /// <summary>MACs the conv executes on its whole input, padding taps excluded: the dense plan's count.</summary>
    public long DenseExecutedMacs => GatedConvCost.DenseCompacted(Geometry, null).Macs;
}
