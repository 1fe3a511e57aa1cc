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

    /// <summary>MACs the conv executes on its whole input, padding taps excluded: the dense plan's count.</summary>
    public long DenseExecutedMacs => GatedConvCost.DenseCompacted(Geometry, null).Macs;
}
