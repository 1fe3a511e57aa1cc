using NativeDance.Tensors;

namespace NativeDance.Autograd;

public static partial class Functional
{
    /// <summary>Sum of all elements (a one-element result).</summary>
    public static Variable Sum(Variable x) => Variable.FromOperation("sum", x.Value.Sum(), [x], g =>
    {
        using var expanded = g.BroadcastTo(x.Shape);
        return [expanded.Clone()];
    });

    /// <summary>Mean of all elements.</summary>
    public static Variable Mean(Variable x) => Scale(Sum(x), 1f / Math.Max(1, x.Value.ElementCount));

    /// <summary>Sum along <paramref name="axis"/>.</summary>
    public static Variable Sum(Variable x, int axis, bool keepDim = false)
    {
        int a = x.Shape.NormalizeAxis(axis);
        return Variable.FromOperation("sum_axis", x.Value.Sum(a, keepDim), [x], g =>
        {
            using var kept = keepDim ? g.Contiguous() : g.Unsqueeze(a);
            using var expanded = kept.BroadcastTo(x.Shape);
            return [expanded.Clone()];
        });
    }

    /// <summary>Mean along <paramref name="axis"/>.</summary>
    public static Variable Mean(Variable x, int axis, bool keepDim = false) =>
        Scale(Sum(x, axis, keepDim), 1f / Math.Max(1, x.Shape[axis]));

    /// <summary>Variance along <paramref name="axis"/>, divided by n (population variance), composed from differentiable parts.</summary>
    public static Variable Variance(Variable x, int axis, bool keepDim = false)
    {
        var mean = Mean(x, axis, keepDim: true);
        var centered = x - mean;
        return Mean(Square(centered), axis, keepDim);
    }
}
