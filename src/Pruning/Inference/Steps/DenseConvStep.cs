using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>A conv (batch norm folded) on its whole input; its work is counted analytically (<see cref="GatedConvCost.DenseCompacted"/>).</summary>
internal sealed class DenseConvStep(string name, int layer, Conv3dGeometry geometry, FoldedConv weights, PlanValue input, PlanValue output)
    : PlanStep(name)
{
    private readonly ConvWorkCounters _work = GatedConvCost.DenseCompacted(geometry, null);

    public override IEnumerable<PlanValue> Values => [input, output];

    public override void Run(PlanState state)
    {
        Conv3d.Forward(geometry, state.Span(input), weights.Weight, weights.Bias, state.Span(output));
        state.LayerWork[layer] = _work;
    }
}
