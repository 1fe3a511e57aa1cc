using NativeDance.Tensors.Ops;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>ReLU in place, where no later pass can take it (the next consumer is a dense conv or a fully connected layer).</summary>
internal sealed class ReluStep(string name, PlanValue value) : PlanStep(name)
{
    public PlanValue Value => value;

    public override IEnumerable<PlanValue> Values => [value];

    public override void Run(PlanState state) => Relu.Forward(state.Span(value), state.Span(value));
}
