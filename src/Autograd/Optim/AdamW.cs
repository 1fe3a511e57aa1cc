using NativeDance.Tensors;

namespace NativeDance.Autograd.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's AdamW: p *= 1 - lr * wd; m and v are
/// exponential moving averages of g and g^2; p -= lr * m_hat / (sqrt(v_hat) + eps) with bias-corrected moments.
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;

    /// <summary>Creates the optimizer.</summary>
    public AdamW(IEnumerable<Variable> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 1e-2f)
        : base(parameters, learningRate)
    {
        if (!(beta1 is >= 0 and < 1) || !(beta2 is >= 0 and < 1) || !(epsilon > 0) || weightDecay < 0)
            throw new ArgumentException($"AdamW needs betas in [0, 1), a positive epsilon and a non-negative weight decay (got {beta1}, {beta2}, {epsilon}, {weightDecay}).");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _m = ZerosLikeParameters();
        _v = ZerosLikeParameters();
    }

    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>Denominator guard.</summary>
    public float Epsilon { get; }

    /// <summary>Decoupled weight decay.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    public override IEnumerable<(string Name, Tensor State)> State() =>
        _m.Select((t, i) => ($"exp_avg.{i}", t)).Concat(_v.Select((t, i) => ($"exp_avg_sq.{i}", t)));

    /// <inheritdoc />
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> grad)
    {
        var m = _m[index].Span;
        var v = _v[index].Span;
        double c1 = 1 - Math.Pow(Beta1, StepCount);
        double c2 = 1 - Math.Pow(Beta2, StepCount);
        float stepSize = (float)(LearningRate / c1);
        float rootC2 = (float)Math.Sqrt(c2);
        float decay = 1 - LearningRate * WeightDecay;
        for (int i = 0; i < value.Length; i++)
        {
            float g = grad[i];
            m[i] = Beta1 * m[i] + (1 - Beta1) * g;
            v[i] = Beta2 * v[i] + (1 - Beta2) * g * g;
            value[i] = value[i] * decay - stepSize * m[i] / (MathF.Sqrt(v[i]) / rootC2 + Epsilon);
        }
    }
}
