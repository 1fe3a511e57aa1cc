using NativeDance.Tensors;

namespace NativeDance.Autograd;

public static partial class Functional
{
    /// <summary>max(x, 0). The gradient at exactly 0 is taken as 0, as in PyTorch. Both passes run the parallel vector kernels.</summary>
    public static Variable Relu(Variable x)
    {
        var y = Tensor.Uninitialized(x.Shape);
        NativeDance.Tensors.Ops.Relu.Forward(Dense(x).Span, y.Span);
        return Variable.FromOperation("relu", y, [x], g =>
        {
            using var dy = g.Contiguous();
            var dx = Tensor.Uninitialized(x.Shape);
            NativeDance.Tensors.Ops.Relu.Backward(y.Span, dy.Span, dx.Span);
            return [dx];
        });
    }

    /// <summary>1 / (1 + e^-x).</summary>
    public static Variable Sigmoid(Variable x)
    {
        var y = x.Value.Sigmoid();
        return Variable.FromOperation("sigmoid", y, [x], g => [Pointwise(g, y, static (gy, s, d) =>
        {
            for (int i = 0; i < d.Length; i++) d[i] = gy[i] * s[i] * (1f - s[i]);
        })]);
    }

    /// <summary>log(1 + e^x), computed without overflow for large |x|.</summary>
    public static Variable Softplus(Variable x)
    {
        var y = Tensor.Uninitialized(x.Shape);
        using (var dense = x.Value.Contiguous())
        {
            var src = dense.Span;
            var dst = y.Span;
            for (int i = 0; i < dst.Length; i++) dst[i] = MathF.Max(src[i], 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(src[i])));
        }
        return Variable.FromOperation("softplus", y, [x], g =>
        {
            using var s = x.Value.Sigmoid();
            return [g * s];
        });
    }

    /// <summary>e^x.</summary>
    public static Variable Exp(Variable x)
    {
        var y = x.Value.Exp();
        return Variable.FromOperation("exp", y, [x], g => [g * y]);
    }

    /// <summary>Natural logarithm.</summary>
    public static Variable Log(Variable x) => Variable.FromOperation("log", x.Value.Log(), [x], g => [g / x.Value]);

    /// <summary>x^2.</summary>
    public static Variable Square(Variable x) => Variable.FromOperation("square", x.Value.Square(), [x], g =>
    {
        using var twice = x.Value * 2f;
        return [g * twice];
    });

    /// <summary>|x|, with gradient sign(x) (0 at 0).</summary>
    public static Variable Abs(Variable x) => Variable.FromOperation("abs", x.Value.Abs(), [x], g => [Pointwise(g, x.Value, static (gy, xv, d) =>
    {
        for (int i = 0; i < d.Length; i++) d[i] = xv[i] > 0 ? gy[i] : xv[i] < 0 ? -gy[i] : 0f;
    })]);

    /// <summary>
    /// Inverted dropout: in training, zeroes each element with probability <paramref name="p"/> (seeded) and scales
    /// survivors by 1/(1-p); when not <paramref name="training"/> it is the identity.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1).</exception>
    public static Variable Dropout(Variable x, float p, bool training, ulong seed)
    {
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must lie in [0, 1).");
        if (!training || p == 0f) return Variable.FromOperation("dropout", x.Value.Contiguous(), [x], g => [g.Contiguous()]);
        var keep = Tensor.Uninitialized(x.Shape);
        var rng = new SeededRandom(seed);
        var k = keep.Span;
        float scale = 1f / (1f - p);
        for (int i = 0; i < k.Length; i++) k[i] = rng.NextSingle() >= p ? scale : 0f;
        GraphScope.Track(keep);
        return Variable.FromOperation("dropout", x.Value * keep, [x], g => [g * keep]);
    }

    private delegate void PointwiseKernel(ReadOnlySpan<float> grad, ReadOnlySpan<float> saved, Span<float> result);

    /// <summary>Applies an elementwise backward kernel to the dense gradient and a saved tensor.</summary>
    private static Tensor Pointwise(Tensor grad, Tensor saved, PointwiseKernel kernel)
    {
        var result = Tensor.Uninitialized(grad.Shape);
        using var g = grad.Contiguous();
        using var s = saved.Contiguous();
        kernel(g.Span, s.Span, result.Span);
        return result;
    }
}
