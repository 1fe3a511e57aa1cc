using NativeDance.Tensors;

namespace NativeDance.Autograd;

public static partial class Functional
{
    /// <summary>The same elements in a new shape (one dimension may be -1).</summary>
    public static Variable Reshape(Variable x, params int[] dims) =>
        Variable.FromOperation("reshape", x.Value.Reshape(dims), [x], g => [g.Reshape(x.Shape.ToArray())]);

    /// <summary>Dimensions reordered: result dimension i is input dimension <paramref name="order"/>[i].</summary>
    public static Variable Permute(Variable x, params int[] order)
    {
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i] < 0 ? order[i] + order.Length : order[i]] = i;
        return Variable.FromOperation("permute", x.Value.Permute(order).Contiguous(), [x], g => [g.Permute(inverse).Contiguous()]);
    }

    /// <summary>Elements start, start+step, ... (<paramref name="length"/> of them) along <paramref name="axis"/>.</summary>
    public static Variable Slice(Variable x, int axis, int start, int length, int step = 1)
    {
        using var view = x.Value.Slice(axis, start, length, step);
        return Variable.FromOperation("slice", view.Clone(), [x], g =>
        {
            var full = Tensor.Zeros(x.Shape);
            using var window = full.Slice(axis, start, length, step);
            ScatterInto(window, g);
            return [full];
        });
    }

    /// <summary>Copies a dense tensor into a strided view of the same shape.</summary>
    private static void ScatterInto(Tensor view, Tensor source)
    {
        using var dense = source.Contiguous();
        var index = new int[view.Rank];
        var src = dense.Span;
        for (int i = 0; i < src.Length; i++)
        {
            view[index] = src[i];
            for (int a = index.Length - 1; a >= 0; a--)
            {
                if (++index[a] < view.Shape[a]) break;
                index[a] = 0;
            }
        }
    }
}
