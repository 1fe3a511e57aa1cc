using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// A conv (batch norm folded) on its whole input: the engine's conv, or <see cref="FewChannelConv3d"/> for a stem with
/// few input channels, given a <paramref name="padded"/> scratch buffer, which can take the following ReLU into its
/// store. Its work is counted analytically (<see cref="GatedConvCost.DenseCompacted"/>).
/// </summary>
internal sealed class DenseConvStep(string name, int layer, Conv3dGeometry geometry, FoldedConv weights, PlanValue input, PlanValue output, PlanValue? padded)
    : PlanStep(name)
{
    private readonly ConvWorkCounters _work = GatedConvCost.DenseCompacted(geometry, null);

    public Conv3dGeometry Geometry => geometry;

    public FoldedConv Weights => weights;

    public PlanValue Input => input;

    public PlanValue Output => output;

    /// <summary>Whether the conv's own output pass can apply a following ReLU.</summary>
    public bool CanRectify => padded is not null;

    /// <summary>Applies max(., 0) in the output pass (only where <see cref="CanRectify"/>).</summary>
    public bool Rectify { get; set; }

    public override int ConvLayer => layer;

    public override IEnumerable<PlanValue> Values => padded is null ? [input, output] : [input, output, padded];

    public override void Run(PlanState state)
    {
        if (padded is null) Conv3d.Forward(geometry, state.Span(input), weights.Weight, weights.Bias, state.Span(output));
        else FewChannelConv3d.Forward(geometry, state.Span(input), weights.Weight, weights.Bias, state.Span(output), state.Span(padded), Rectify);
        state.LayerWork[layer] = _work;
    }
}
