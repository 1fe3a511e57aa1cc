using NativeDance.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NativeDance.Autograd.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch's semantics: g = grad + wd * p; buf = momentum * buf + g (the first step
/// sets buf = g); the step uses g + momentum * buf with Nesterov, else buf; p -= lr * step.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[] _momentum;

    /// <summary>Creates the optimizer.</summary>
    public Sgd(IEnumerable<Variable> parameters, float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(parameters, learningRate)
    {
        if (momentum < 0 || weightDecay < 0) throw new ArgumentException($"Momentum ({momentum}) and weight decay ({weightDecay}) must not be negative.");
        if (nesterov && momentum == 0) throw new ArgumentException("Nesterov momentum needs a positive momentum.", nameof(nesterov));
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _momentum = ZerosLikeParameters();
    }

    /// <summary>Momentum factor.</summary>
    public float Momentum { get; }

    /// <summary>L2 weight decay added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public override IEnumerable<(string Name, Tensor State)> State() => _momentum.Select((t, i) => ($"momentum.{i}", t));

    /// <inheritdoc />
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> grad)
    {
        var buf = _momentum[index].Span;
        for (int i = 0; i < value.Length; i++)
        {
            float g = grad[i] + WeightDecay * value[i];
            if (Momentum != 0)
            {
                buf[i] = StepCount == 1 ? g : Momentum * buf[i] + g;
                g = Nesterov ? g + Momentum * buf[i] : buf[i];
            }
            value[i] -= LearningRate * g;
        }
    }
}
