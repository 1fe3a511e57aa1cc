using System.Numerics.Tensors;

namespace NativeDance.Tensors;

public sealed partial class Tensor
{
    private enum ReduceOp { Sum, Max, Min }

    /// <summary>Sum of all elements, as a rank-0 tensor.</summary>
    public Tensor Sum() => Scalar(Reduce(ReduceOp.Sum));

    /// <summary>Mean of all elements, as a rank-0 tensor.</summary>
    public Tensor Mean() => Scalar(Reduce(ReduceOp.Sum) / Math.Max(1, ElementCount));

    /// <summary>Largest element, as a rank-0 tensor.</summary>
    public Tensor Max() => Scalar(Reduce(ReduceOp.Max));

    /// <summary>Smallest element, as a rank-0 tensor.</summary>
    public Tensor Min() => Scalar(Reduce(ReduceOp.Min));

    /// <summary>Sum along <paramref name="axis"/>; the axis is kept with size 1 when <paramref name="keepDim"/> is set.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => ReduceAxis(axis, keepDim, ReduceOp.Sum);

    /// <summary>Maximum along <paramref name="axis"/>.</summary>
    public Tensor Max(int axis, bool keepDim = false) => ReduceAxis(axis, keepDim, ReduceOp.Max);

    /// <summary>Minimum along <paramref name="axis"/>.</summary>
    public Tensor Min(int axis, bool keepDim = false) => ReduceAxis(axis, keepDim, ReduceOp.Min);

    /// <summary>Mean along <paramref name="axis"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false)
    {
        var sum = Sum(axis, keepDim);
        TensorPrimitives.Multiply(sum.Span, 1f / Math.Max(1, Shape[axis]), sum.Span);
        return sum;
    }

    /// <summary>Variance along <paramref name="axis"/> (divided by n, or by n-1 when <paramref name="unbiased"/>).</summary>
    public Tensor Variance(int axis, bool keepDim = false, bool unbiased = false)
    {
        int n = Shape[axis];
        using var mean = Mean(axis, keepDim: true);
        using var centered = this - mean;
        using var squared = centered.Square();
        var sum = squared.Sum(axis, keepDim);
        TensorPrimitives.Multiply(sum.Span, 1f / Math.Max(1, unbiased ? n - 1 : n), sum.Span);
        return sum;
    }

    private float Reduce(ReduceOp op)
    {
        if (ElementCount == 0)
        {
            if (op == ReduceOp.Sum) return 0f;
            throw new InvalidOperationException($"Cannot take the {op} of an empty tensor {Shape}.");
        }
        using var dense = Contiguous();
        return op switch
        {
            ReduceOp.Sum => TensorPrimitives.Sum<float>(dense.Span),
            ReduceOp.Max => TensorPrimitives.Max<float>(dense.Span),
            _ => TensorPrimitives.Min<float>(dense.Span),
        };
    }

    /// <summary>Reduces the tensor seen as [outer, axis, inner] over the middle dimension.</summary>
    private Tensor ReduceAxis(int axis, bool keepDim, ReduceOp op)
    {
        axis = Shape.NormalizeAxis(axis);
        int length = Shape[axis];
        if (length == 0 && op != ReduceOp.Sum)
            throw new InvalidOperationException($"Cannot take the {op} over the empty axis {axis} of {Shape}.");
        int inner = 1;
        for (int i = axis + 1; i < Rank; i++) inner *= Shape[i];
        var dims = Shape.ToArray().ToList();
        if (keepDim) dims[axis] = 1;
        else dims.RemoveAt(axis);
        var result = Zeros(new Shape([.. dims]));
        using var dense = Contiguous();
        var src = dense.Span;
        var dst = result.Span;
        int outer = inner == 0 ? 0 : dst.Length / inner;
        for (int o = 0; o < outer; o++)
        {
            var block = src.Slice(o * length * inner, length * inner);
            var target = dst.Slice(o * inner, inner);
            if (inner == 1)
            {
                target[0] = op switch
                {
                    ReduceOp.Sum => TensorPrimitives.Sum<float>(block),
                    ReduceOp.Max => TensorPrimitives.Max<float>(block),
                    _ => TensorPrimitives.Min<float>(block),
                };
                continue;
            }
            block[..inner].CopyTo(target);
            for (int k = 1; k < length; k++)
            {
                var row = block.Slice(k * inner, inner);
                switch (op)
                {
                    case ReduceOp.Sum: TensorPrimitives.Add(target, row, target); break;
                    case ReduceOp.Max: TensorPrimitives.Max(target, row, target); break;
                    default: TensorPrimitives.Min(target, row, target); break;
                }
            }
        }
        return result;
    }

    private static Tensor Scalar(float value) => Full(new Shape(), value);
}
