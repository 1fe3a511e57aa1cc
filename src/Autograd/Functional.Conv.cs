using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;

namespace NativeDance.Autograd;

public static partial class Functional
{
    /// <summary>
    /// 3D convolution of a channels-last input [N, T, H, W, Cin] with weights [kT, kH, kW, Cin/groups, Cout] and an
    /// optional bias [Cout]. The input gradient and the weight gradient are themselves convolution kernels.
    /// </summary>
    /// <exception cref="ArgumentException">A shape does not match <paramref name="geometry"/>; the message names both.</exception>
    public static Variable Conv3d(Variable input, Variable weight, Variable? bias, Conv3dGeometry geometry)
    {
        var g = geometry;
        RequireShape(input, g.InputShape, "conv3d input");
        RequireShape(weight, g.WeightShape, "conv3d weight");
        if (bias is not null) RequireShape(bias, new Shape(g.OutChannels), "conv3d bias");
        var x = Dense(input);
        var w = Dense(weight);
        var y = Tensor.Uninitialized(g.OutputShape);
        NativeDance.Tensors.Conv.Conv3d.Forward(g, x.Span, w.Span, bias is null ? default : Dense(bias).Span, y.Span);
        Variable[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Variable.FromOperation("conv3d", y, inputs, gy =>
        {
            using var dy = gy.Contiguous();
            Tensor? dx = null, dw = null, db = null;
            if (input.RequiresGrad)
            {
                dx = Tensor.Uninitialized(g.InputShape);
                NativeDance.Tensors.Conv.Conv3d.BackwardInput(g, dy.Span, w.Span, dx.Span);
            }
            if (weight.RequiresGrad || bias is { RequiresGrad: true })
            {
                dw = Tensor.Uninitialized(g.WeightShape);
                db = bias is null ? null : Tensor.Uninitialized(new Shape(g.OutChannels));
                NativeDance.Tensors.Conv.Conv3d.BackwardWeight(g, x.Span, dy.Span, dw.Span, db is null ? default : db.Span);
            }
            return bias is null ? [dx, dw] : [dx, dw, db];
        });
    }

    /// <summary>Max pooling over windows of a channels-last input; the gradient goes to each window's (first) maximum.</summary>
    public static Variable MaxPool3d(Variable input, Pool3dGeometry geometry)
    {
        var g = geometry;
        RequireShape(input, g.InputShape, "max pool input");
        var y = Tensor.Uninitialized(g.OutputShape);
        var argmax = new int[g.OutputLength];
        NativeDance.Tensors.Ops.MaxPool3d.Forward(g, Dense(input).Span, y.Span, argmax);
        return Variable.FromOperation("max_pool3d", y, [input], gy =>
        {
            using var dy = gy.Contiguous();
            var dx = Tensor.Uninitialized(g.InputShape);
            NativeDance.Tensors.Ops.MaxPool3d.Backward(g, dy.Span, argmax, dx.Span);
            return [dx];
        });
    }

    /// <summary>Average pooling over windows of a channels-last input (padding counted in the divisor by default, as in PyTorch).</summary>
    public static Variable AvgPool3d(Variable input, Pool3dGeometry geometry, bool countIncludePad = true)
    {
        var g = geometry;
        RequireShape(input, g.InputShape, "average pool input");
        var y = Tensor.Uninitialized(g.OutputShape);
        NativeDance.Tensors.Ops.AvgPool3d.Forward(g, Dense(input).Span, y.Span, countIncludePad);
        return Variable.FromOperation("avg_pool3d", y, [input], gy =>
        {
            using var dy = gy.Contiguous();
            var dx = Tensor.Uninitialized(g.InputShape);
            NativeDance.Tensors.Ops.AvgPool3d.Backward(g, dy.Span, dx.Span, countIncludePad);
            return [dx];
        });
    }

    /// <summary>Mean over frames, height and width: [N, T, H, W, C] to [N, C].</summary>
    public static Variable GlobalAvgPool3d(Variable input)
    {
        if (input.Shape.Rank != 5)
            throw new ArgumentException($"Global average pooling needs a channels-last [N, T, H, W, C] input, got {input.Shape}.", nameof(input));
        int n = input.Shape[0], c = input.Shape[4];
        var y = Tensor.Uninitialized(new Shape(n, c));
        NativeDance.Tensors.Ops.GlobalAvgPool3d.Forward(Dense(input).Span, y.Span, n, c);
        return Variable.FromOperation("global_avg_pool3d", y, [input], gy =>
        {
            using var dy = gy.Contiguous();
            var dx = Tensor.Uninitialized(input.Shape);
            NativeDance.Tensors.Ops.GlobalAvgPool3d.Backward(dy.Span, dx.Span, n, c);
            return [dx];
        });
    }

    /// <summary>The value as a dense tensor: itself when contiguous, else a copy owned by the current scope.</summary>
    private static Tensor Dense(Variable v) => v.Value.IsContiguous ? v.Value : GraphScope.Track(v.Value.Clone());

    private static void RequireShape(Variable v, Shape expected, string what)
    {
        if (v.Shape != expected)
            throw new ArgumentException($"The {what} has shape {v.Shape}; {expected} is needed.");
    }
}
