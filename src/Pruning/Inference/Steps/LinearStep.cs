using NativeDance.Tensors.Ops;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>A fully connected layer on one clip's features: y = W x + b, W [out, in].</summary>
internal sealed class LinearStep(string name, Models.Layers.Linear layer, PlanValue input, PlanValue output) : PlanStep(name)
{
    private readonly LinearGeometry _geometry = LinearGeometry.Create(1, layer.InFeatures, layer.OutFeatures);
    private readonly float[] _weight = layer.Weight.Value.ToArray();
    private readonly float[] _bias = layer.Bias?.Value.ToArray() ?? [];

    public Models.Layers.Linear Layer => layer;

    public PlanValue Input => input;

    public PlanValue Output => output;

    public override IEnumerable<PlanValue> Values => [input, output];

    public override void Run(PlanState state) => Linear.Forward(_geometry, state.Span(input), _weight, _bias, state.Span(output));
}
