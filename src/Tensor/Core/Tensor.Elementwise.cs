using System.Numerics.Tensors;

namespace NativeDance.Tensors;

public sealed unsafe partial class Tensor
{
    private enum BinaryOp { Add, Subtract, Multiply, Divide, Max, Min }

    /// <summary>Elementwise sum with NumPy broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Add);

    /// <summary>Elementwise difference with NumPy broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Subtract);

    /// <summary>Elementwise product with NumPy broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Multiply);

    /// <summary>Elementwise quotient with NumPy broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Divide);

    /// <summary>Every element plus <paramref name="s"/>.</summary>
    public static Tensor operator +(Tensor a, float s) => a.Map((x, d) => TensorPrimitives.Add(x, s, d));

    /// <summary>Every element times <paramref name="s"/>.</summary>
    public static Tensor operator *(Tensor a, float s) => a.Map((x, d) => TensorPrimitives.Multiply(x, s, d));

    /// <summary>Elementwise maximum with NumPy broadcasting.</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Max);

    /// <summary>Elementwise minimum with NumPy broadcasting.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Min);

    /// <summary>Elementwise negation.</summary>
    public Tensor Negate() => Map((x, d) => TensorPrimitives.Negate(x, d));

    /// <summary>Elementwise absolute value.</summary>
    public Tensor Abs() => Map((x, d) => TensorPrimitives.Abs(x, d));

    /// <summary>Elementwise e^x.</summary>
    public Tensor Exp() => Map((x, d) => TensorPrimitives.Exp(x, d));

    /// <summary>Elementwise natural logarithm.</summary>
    public Tensor Log() => Map((x, d) => TensorPrimitives.Log(x, d));

    /// <summary>Elementwise square root.</summary>
    public Tensor Sqrt() => Map((x, d) => TensorPrimitives.Sqrt(x, d));

    /// <summary>Elementwise square.</summary>
    public Tensor Square() => Map((x, d) => TensorPrimitives.Multiply(x, x, d));

    /// <summary>Elementwise logistic sigmoid.</summary>
    public Tensor Sigmoid() => Map((x, d) => TensorPrimitives.Sigmoid(x, d));

    /// <summary>Elementwise hyperbolic tangent.</summary>
    public Tensor Tanh() => Map((x, d) => TensorPrimitives.Tanh(x, d));

    /// <summary>Elementwise max(x, 0).</summary>
    public Tensor Relu() => Map((x, d) => TensorPrimitives.Max(x, 0f, d));

    /// <summary>Applies a span-to-span kernel to a dense copy of this tensor's elements.</summary>
    private Tensor Map(SpanAction kernel)
    {
        var result = Uninitialized(Shape);
        using (var dense = Contiguous())
            kernel(dense.Span, result.Span);
        return result;
    }

    private delegate void SpanAction(ReadOnlySpan<float> source, Span<float> destination);

    private static Tensor Binary(Tensor a, Tensor b, BinaryOp op)
    {
        var shape = BroadcastShape(a.Shape, b.Shape);
        var result = Uninitialized(shape);
        using var left = a.Densified(shape);
        // A right operand equal to the trailing dimensions (a bias, a per-channel scale) is applied block by block.
        bool trailing = b.IsContiguous && shape.Rank >= b.Rank && shape.Dims[(shape.Rank - b.Rank)..].SequenceEqual(b.Shape.Dims);
        if (trailing && b.ElementCount > 0)
        {
            var rhs = b.Span;
            var lhs = left.Span;
            var dst = result.Span;
            for (int start = 0; start < dst.Length; start += rhs.Length)
                Apply(op, lhs.Slice(start, rhs.Length), rhs, dst.Slice(start, rhs.Length));
        }
        else
        {
            using var right = b.Densified(shape);
            Apply(op, left.Span, right.Span, result.Span);
        }
        return result;
    }

    /// <summary>A contiguous tensor of <paramref name="shape"/> holding this tensor broadcast to it (a view when no copy is needed).</summary>
    private Tensor Densified(Shape shape)
    {
        if (Shape == shape && IsContiguous) return Contiguous();
        using var expanded = BroadcastTo(shape);
        return expanded.Clone();
    }

    private static void Apply(BinaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(x, y, d); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(x, y, d); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(x, y, d); break;
            case BinaryOp.Divide: TensorPrimitives.Divide(x, y, d); break;
            case BinaryOp.Max: TensorPrimitives.Max(x, y, d); break;
            case BinaryOp.Min: TensorPrimitives.Min(x, y, d); break;
        }
    }

    /// <summary>The NumPy broadcast of two shapes.</summary>
    /// <exception cref="ArgumentException">The shapes are incompatible; the message names both.</exception>
    public static Shape BroadcastShape(Shape a, Shape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"Shapes {a} and {b} cannot be broadcast together.");
            dims[i] = da == 1 ? db : da;
        }
        return new Shape(dims);
    }
}
