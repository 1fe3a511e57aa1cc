using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Tensors;

namespace NativeDance.Models.Layers;

/// <summary>y = x W^T + b with W [out, in] as in PyTorch; initialised like PyTorch's Linear.</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = 1f / MathF.Sqrt(inFeatures);
        Weight = AddParameter("weight", Tensor.RandomUniform(new Shape(outFeatures, inFeatures), seed, -bound, bound));
        Bias = bias ? AddParameter("bias", Tensor.RandomUniform(new Shape(outFeatures), seed + 1, -bound, bound)) : null;
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Weights [out, in].</summary>
    public Variable Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Variable? Bias { get; }

    /// <inheritdoc />
    public override Variable Forward(Variable input) => Functional.Linear(input, Weight, Bias);

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        if (input.Rank != 2 || input[1] != InFeatures)
            throw new ArgumentException($"Linear {InFeatures}->{OutFeatures} needs an input [N, {InFeatures}], got {input}.", nameof(input));
        var output = new Shape(input[0], OutFeatures);
        costs.Add(new LayerCost(path, nameof(Linear), (long)input[0] * InFeatures * OutFeatures, Weight.Value.ElementCount + (Bias?.Value.ElementCount ?? 0), output));
        return output;
    }
}
