using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// FATReLU (Kurtz et al., "Inducing and Exploiting Activation Sparsity for Fast Neural Network Inference", 2020) at
/// every gate: an element of the conv input survives iff x &gt; 0 and x &gt;= T_l, one fixed threshold per layer, no
/// frame or channel structure. Gradients pass through the surviving elements. While training it also collects the L1
/// activation penalty beta * mean over gates of mean(X_l) on the unthresholded inputs.
/// </summary>
public sealed class ThresholdPolicy : GatePolicy
{
    private readonly float[] _thresholds;
    private readonly float _l1;
    private Variable? _penalty;

    /// <summary>Thresholds T_l by gate index; <paramref name="l1"/> is beta (0: no penalty).</summary>
    /// <exception cref="ArgumentException">A threshold or beta is negative or not a number.</exception>
    public ThresholdPolicy(IReadOnlyList<float> thresholds, float l1 = 0f)
    {
        if (thresholds.Any(t => !(t >= 0)) || !(l1 >= 0))
            throw new ArgumentException($"Thresholds ({string.Join(", ", thresholds)}) and beta ({l1}) must be non-negative.");
        _thresholds = thresholds.ToArray();
        _l1 = l1;
    }

    /// <summary>T_l by gate index.</summary>
    public IReadOnlyList<float> Thresholds => _thresholds;

    /// <inheritdoc />
    public override Variable? TakePenalty()
    {
        var penalty = _penalty;
        _penalty = null;
        return penalty;
    }

    /// <inheritdoc />
    protected override Variable Apply(ActivationGate gate, Variable activation)
    {
        float threshold = _thresholds[gate.Index];
        using var x = activation.Value.Contiguous();
        var mask = GraphScope.Track(Tensor.Uninitialized(x.Shape));
        var values = x.Span;
        var keep = mask.Span;
        for (int i = 0; i < values.Length; i++) keep[i] = values[i] > 0f && values[i] >= threshold ? 1f : 0f;
        if (_l1 > 0 && GradMode.IsEnabled)
        {
            var term = Functional.Mean(activation) * (_l1 / _thresholds.Length);
            _penalty = _penalty is null ? term : _penalty + term;
        }
        return activation * Variable.Constant(mask);
    }
}
