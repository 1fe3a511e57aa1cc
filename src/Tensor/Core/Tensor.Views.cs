namespace NativeDance.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// The same elements in a new shape. One dimension may be -1 and is inferred. Returns a view when
    /// the tensor is contiguous, otherwise a copy.
    /// </summary>
    /// <exception cref="ArgumentException">The element counts differ or more than one dimension is -1.</exception>
    public Tensor Reshape(params ReadOnlySpan<int> dims)
    {
        var resolved = dims.ToArray();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (inferred >= 0)
                    throw new ArgumentException($"Reshape of {Shape} to [{string.Join(", ", resolved)}]: only one dimension may be -1.", nameof(dims));
                inferred = i;
            }
            else
            {
                known *= resolved[i];
            }
        }
        if (inferred >= 0)
        {
            if (known == 0 || ElementCount % known != 0)
                throw new ArgumentException($"Cannot reshape {Shape} ({ElementCount} elements) to [{string.Join(", ", dims.ToArray())}].", nameof(dims));
            resolved[inferred] = (int)(ElementCount / known);
        }
        var shape = new Shape(resolved);
        if (shape.ElementCount != ElementCount)
            throw new ArgumentException($"Cannot reshape {Shape} ({ElementCount} elements) to {shape} ({shape.ElementCount} elements).", nameof(dims));
        if (IsContiguous) return View(shape, shape.ContiguousStrides(), Offset);
        using var dense = Clone();
        return dense.Reshape(resolved);
    }

    /// <summary>A view with the dimensions reordered: result dimension i is this tensor's dimension <paramref name="order"/>[i].</summary>
    /// <exception cref="ArgumentException"><paramref name="order"/> is not a permutation of the axes.</exception>
    public Tensor Permute(params ReadOnlySpan<int> order)
    {
        if (order.Length != Rank)
            throw new ArgumentException($"Permutation [{string.Join(", ", order.ToArray())}] has {order.Length} axes; tensor {Shape} has {Rank}.", nameof(order));
        var dims = new int[Rank];
        var strides = new int[Rank];
        Span<bool> seen = stackalloc bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int axis = order[i] < 0 ? order[i] + Rank : order[i];
            if ((uint)axis >= (uint)Rank || seen[axis])
                throw new ArgumentException($"[{string.Join(", ", order.ToArray())}] is not a permutation of the {Rank} axes of {Shape}.", nameof(order));
            seen[axis] = true;
            dims[i] = Shape[axis];
            strides[i] = _strides[axis];
        }
        return View(new Shape(dims), strides, Offset);
    }

    /// <summary>A view of elements <paramref name="start"/>, start+step, ... (<paramref name="length"/> of them) along <paramref name="axis"/>.</summary>
    /// <exception cref="ArgumentException">The range leaves the dimension or step is not positive.</exception>
    public Tensor Slice(int axis, int start, int length, int step = 1)
    {
        axis = Shape.NormalizeAxis(axis);
        int size = Shape[axis];
        if (step <= 0 || start < 0 || length < 0 || (length > 0 && start + (long)(length - 1) * step >= size))
            throw new ArgumentException($"Slice start {start}, length {length}, step {step} does not fit axis {axis} of size {size} in {Shape}.");
        var dims = Shape.ToArray();
        var strides = (int[])_strides.Clone();
        dims[axis] = length;
        strides[axis] *= step;
        return View(new Shape(dims), strides, Offset + start * _strides[axis]);
    }

    /// <summary>A view without dimension <paramref name="axis"/>, which must have size 1.</summary>
    public Tensor Squeeze(int axis)
    {
        axis = Shape.NormalizeAxis(axis);
        if (Shape[axis] != 1)
            throw new ArgumentException($"Cannot squeeze axis {axis} of size {Shape[axis]} in {Shape}.", nameof(axis));
        var dims = Shape.ToArray().ToList();
        var strides = _strides.ToList();
        dims.RemoveAt(axis);
        strides.RemoveAt(axis);
        return View(new Shape([.. dims]), [.. strides], Offset);
    }

    /// <summary>A view with a new dimension of size 1 inserted at <paramref name="axis"/> (0..Rank).</summary>
    public Tensor Unsqueeze(int axis)
    {
        if (axis < 0) axis += Rank + 1;
        if ((uint)axis > (uint)Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Cannot insert an axis at {axis} into {Shape}.");
        var dims = Shape.ToArray().ToList();
        var strides = _strides.ToList();
        dims.Insert(axis, 1);
        strides.Insert(axis, axis < Rank ? _strides[axis] * Shape[axis] : 1);
        return View(new Shape([.. dims]), [.. strides], Offset);
    }

    /// <summary>A view that repeats size-1 dimensions (stride 0) to reach <paramref name="shape"/>, aligning trailing dimensions.</summary>
    /// <exception cref="ArgumentException">The shapes are not broadcast-compatible.</exception>
    public Tensor BroadcastTo(Shape shape)
    {
        if (shape.Rank < Rank)
            throw new ArgumentException($"Cannot broadcast {Shape} to the lower-rank shape {shape}.", nameof(shape));
        var strides = new int[shape.Rank];
        int lead = shape.Rank - Rank;
        for (int i = 0; i < shape.Rank; i++)
        {
            if (i < lead) continue;
            int d = Shape[i - lead];
            if (d == shape[i]) strides[i] = _strides[i - lead];
            else if (d != 1)
                throw new ArgumentException($"Cannot broadcast {Shape} to {shape}: dimension {i - lead} is {d}, not 1 or {shape[i]}.", nameof(shape));
        }
        return View(shape, strides, Offset);
    }
}
