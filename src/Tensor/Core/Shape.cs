using System.Collections;

namespace NativeDance.Tensors;

/// <summary>
/// An immutable list of tensor dimensions. Dimensions are non-negative; a rank-0 shape describes a scalar.
/// </summary>
/// <example><code>var s = new Shape(1, 16, 112, 112, 3); // N, T, H, W, C
/// long n = s.ElementCount;</code></example>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    /// <summary>The largest rank any tensor of the engine uses (N, T, H, W, C plus one spare).</summary>
    public const int MaxRank = 8;

    private readonly int[]? _dims;

    /// <summary>Creates a shape from its dimensions, outermost first.</summary>
    /// <exception cref="ArgumentException">A dimension is negative, the rank exceeds <see cref="MaxRank"/>, or the element count overflows.</exception>
    public Shape(params ReadOnlySpan<int> dims)
    {
        if (dims.Length > MaxRank)
            throw new ArgumentException($"Rank {dims.Length} exceeds the maximum rank {MaxRank}.", nameof(dims));
        long count = 1;
        foreach (int d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"Shape [{string.Join(", ", dims.ToArray())}] has a negative dimension.", nameof(dims));
            count *= d;
            if (count > int.MaxValue)
                throw new ArgumentException($"Shape [{string.Join(", ", dims.ToArray())}] has more than {int.MaxValue} elements.", nameof(dims));
        }
        _dims = dims.ToArray();
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Number of dimensions (same as <see cref="Rank"/>).</summary>
    public int Count => Rank;

    /// <summary>The size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis)];

    /// <summary>The dimensions as a span.</summary>
    public ReadOnlySpan<int> Dims => _dims ?? [];

    /// <summary>Total number of elements (1 for a scalar).</summary>
    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int d in Dims) count *= d;
            return count;
        }
    }

    /// <summary>Maps a possibly negative axis to its index in <c>[0, Rank)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside <c>[-Rank, Rank)</c>.</exception>
    public int NormalizeAxis(int axis)
    {
        int r = Rank;
        if (axis < -r || axis >= r)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis {axis} is out of range for shape {this}.");
        return axis < 0 ? axis + r : axis;
    }

    /// <summary>Row-major (C order) element strides of this shape.</summary>
    public int[] ContiguousStrides()
    {
        var strides = new int[Rank];
        int s = 1;
        for (int i = Rank - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= _dims![i];
        }
        return strides;
    }

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <inheritdoc />
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>Shape equality.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Shape inequality.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Formats the shape as <c>[d0, d1, ...]</c>.</summary>
    public override string ToString() => $"[{string.Join(", ", _dims ?? [])}]";

    /// <inheritdoc />
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
