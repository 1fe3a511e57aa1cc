using NativeDance.Tensors.Ops;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// Max pooling. A pending ReLU of the input moves to the output (max and ReLU commute), where it costs an eighth as much
/// or is fused into the next gate's statistics pass.
/// </summary>
internal sealed class MaxPoolStep(string name, Pool3dGeometry geometry, PlanValue input, PlanValue output) : PlanStep(name)
{
    public override IEnumerable<PlanValue> Values => [input, output];

    public override void Run(PlanState state) => MaxPool3d.Forward(geometry, state.Span(input), state.Span(output));
}
