using NativeDance.Tensors;
using NativeDance.Tensors.Ops;

namespace NativeDance.Autograd;

/// <summary>The running statistics of a batch-norm layer, updated in place by training-mode forwards.</summary>
/// <param name="Mean">Running mean per channel.</param>
/// <param name="Variance">Running (unbiased) variance per channel.</param>
public sealed record BatchNormState(Tensor Mean, Tensor Variance);

public static partial class Functional
{
    /// <summary>
    /// Batch normalisation over every axis but the last (channels). In training it normalises with the batch's
    /// statistics and updates <paramref name="state"/> with momentum; otherwise it uses the running statistics.
    /// </summary>
    public static Variable BatchNorm(Variable input, Variable gamma, Variable beta, BatchNormState state, bool training, BatchNormOptions? options = null)
    {
        int c = input.Shape[-1];
        RequireShape(gamma, new Shape(c), "batch norm gamma");
        RequireShape(beta, new Shape(c), "batch norm beta");
        var o = options ?? BatchNormOptions.Default;
        var x = Dense(input);
        var y = Tensor.Uninitialized(input.Shape);
        if (!training)
        {
            NativeDance.Tensors.Ops.BatchNorm.ForwardInference(x.Span, y.Span, c, gamma.Value.Span, beta.Value.Span, state.Mean.Span, state.Variance.Span, o);
            return Variable.FromOperation("batch_norm_eval", y, [input, gamma, beta],
                gy => EvalBatchNormBackward(gy, x, gamma.Value, state, o.Epsilon, gamma.RequiresGrad || beta.RequiresGrad));
        }
        var mean = GraphScope.Track(Tensor.Uninitialized(new Shape(c)));
        var invStd = GraphScope.Track(Tensor.Uninitialized(new Shape(c)));
        NativeDance.Tensors.Ops.BatchNorm.ForwardTraining(x.Span, y.Span, c, gamma.Value.Span, beta.Value.Span, mean.Span, invStd.Span,
            state.Mean.Span, state.Variance.Span, o);
        return Variable.FromOperation("batch_norm", y, [input, gamma, beta], gy =>
        {
            using var dy = gy.Contiguous();
            var dx = Tensor.Uninitialized(input.Shape);
            var dGamma = Tensor.Uninitialized(new Shape(c));
            var dBeta = Tensor.Uninitialized(new Shape(c));
            NativeDance.Tensors.Ops.BatchNorm.Backward(x.Span, dy.Span, c, gamma.Value.Span, mean.Span, invStd.Span, dx.Span, dGamma.Span, dBeta.Span);
            return [dx, dGamma, dBeta];
        });
    }

    /// <summary>
    /// With fixed statistics batch norm is affine per channel: dx = dy * gamma / std, dgamma = sum(dy * xhat), dbeta = sum(dy).
    /// A frozen layer (AAP's backbone) skips the parameter gradients.
    /// </summary>
    private static Tensor?[] EvalBatchNormBackward(Tensor gy, Tensor x, Tensor gamma, BatchNormState state, float epsilon, bool parameterGradients)
    {
        using var variance = state.Variance + epsilon;
        using var std = variance.Sqrt();
        using var scale = gamma / std;
        if (!parameterGradients) return [gy * scale, null, null];
        using var centered = x - state.Mean;
        using var normalized = centered / std;
        using var weighted = gy * normalized;
        using var rows = gy.Reshape(-1, gy.Shape[-1]);
        using var weightedRows = weighted.Reshape(-1, gy.Shape[-1]);
        return [gy * scale, weightedRows.Sum(0), rows.Sum(0)];
    }
}
