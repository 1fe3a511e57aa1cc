using NativeDance.Tensors;

namespace NativeDance.Autograd;

/// <summary>Undoing broadcasting in the backward pass: a gradient is summed over the dimensions its input was expanded along.</summary>
internal static class BroadcastGradients
{
    /// <summary>Sums <paramref name="grad"/> down to <paramref name="shape"/> (which broadcasts to grad's shape). Returns a new tensor.</summary>
    public static Tensor ReduceTo(Tensor grad, Shape shape)
    {
        if (grad.Shape == shape) return grad.Contiguous();
        var current = grad.Contiguous();
        int lead = grad.Rank - shape.Rank;
        for (int axis = grad.Rank - 1; axis >= 0; axis--)
        {
            bool broadcast = axis < lead || (shape[axis - lead] == 1 && grad.Shape[axis] != 1);
            if (!broadcast) continue;
            var summed = current.Sum(axis, keepDim: axis >= lead);
            current.Dispose();
            current = summed;
        }
        return current;
    }
}
