using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Tensors;

namespace NativeDance.Models.Layers;

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc />
    public override Variable Forward(Variable input) => Functional.Relu(input);

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "") => input;
}

/// <summary>Inverted dropout, active only in training mode; each call draws a new mask from a seeded sequence.</summary>
public sealed class Dropout : Module
{
    private ulong _calls;

    /// <summary>Creates the layer with drop probability <paramref name="probability"/> in [0, 1).</summary>
    public Dropout(float probability, ulong seed = 0)
    {
        if (!(probability >= 0f && probability < 1f))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "Dropout probability must lie in [0, 1).");
        Probability = probability;
        Seed = seed;
    }

    /// <summary>Probability of dropping an element.</summary>
    public float Probability { get; }

    /// <summary>Seed of the mask sequence.</summary>
    public ulong Seed { get; }

    /// <inheritdoc />
    public override Variable Forward(Variable input) =>
        Functional.Dropout(input, Probability, IsTraining, Seed * 0x9E3779B97F4A7C15UL + _calls++);

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "") => input;
}

/// <summary>Flattens [N, ...] to [N, rest] in channels-last order.</summary>
public sealed class Flatten : Module
{
    /// <inheritdoc />
    public override Variable Forward(Variable input) => Functional.Reshape(input, input.Shape[0], -1);

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "") => new(input[0], input.ElementCount / Math.Max(1, input[0]));
}
