namespace NativeDance.Tensors;

/// <summary>
/// An fp32 tensor: a <see cref="Storage"/> seen through a shape, element strides and an offset.
/// Views (reshape, permute, slice, squeeze) share storage; <see cref="Contiguous"/> and the creation
/// methods allocate. Dispose tensors you create in hot paths so their memory returns to the pool at once.
/// </summary>
/// <example><code>using var x = Tensor.RandomNormal(new Shape(1, 3, 16, 112, 112), seed: 7); // N, C, T, H, W
/// using var cl = x.ToChannelsLast();                                              // N, T, H, W, C
/// float mean = cl.Mean().Item();</code></example>
public sealed unsafe partial class Tensor : IDisposable
{
    private readonly Storage _storage;
    private readonly int[] _strides;
    private bool _disposed;

    private Tensor(Storage storage, Shape shape, int[] strides, int offset)
    {
        _storage = storage;
        Shape = shape;
        _strides = strides;
        Offset = offset;
    }

    /// <summary>Creates a contiguous tensor over new storage.</summary>
    private Tensor(Shape shape, bool clear)
        : this(new Storage(shape.ElementCount, clear), shape, shape.ContiguousStrides(), 0)
    {
    }

    /// <summary>The dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>Element strides, one per dimension (0 for broadcast dimensions).</summary>
    public ReadOnlySpan<int> Strides => _strides;

    /// <summary>Offset of element [0, ..., 0] in the storage, in elements.</summary>
    public int Offset { get; }

    /// <summary>Number of elements.</summary>
    public int ElementCount => Shape.ElementCount;

    /// <summary>The storage shared by this tensor and its views.</summary>
    public Storage Storage
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _storage;
        }
    }

    /// <summary>Whether the elements are laid out densely in row-major order.</summary>
    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int i = Rank - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && _strides[i] != expected) return false;
                expected *= Shape[i];
            }
            return true;
        }
    }

    /// <summary>Pointer to element [0, ..., 0].</summary>
    public float* Pointer => Storage.Pointer + Offset;

    /// <summary>The elements of a contiguous tensor, in row-major order.</summary>
    /// <exception cref="InvalidOperationException">The tensor is a non-contiguous view; call <see cref="Contiguous"/> first.</exception>
    public Span<float> Span
    {
        get
        {
            if (!IsContiguous)
                throw new InvalidOperationException($"Tensor of shape {Shape} with strides [{string.Join(", ", _strides)}] is not contiguous; call Contiguous() first.");
            return new Span<float>(Pointer, ElementCount);
        }
    }

    /// <summary>Reads or writes one element.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params ReadOnlySpan<int> index]
    {
        get => Pointer[ElementOffset(index)];
        set => Pointer[ElementOffset(index)] = value;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (ElementCount != 1)
            throw new InvalidOperationException($"Item() needs a one-element tensor, got shape {Shape}.");
        return *Pointer;
    }

    /// <summary>Copies the elements, in row-major order, into a new array.</summary>
    public float[] ToArray()
    {
        var result = new float[ElementCount];
        CopyTo(result);
        return result;
    }

    /// <summary>Copies the elements, in row-major order, into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length < ElementCount)
            throw new ArgumentException($"Destination holds {destination.Length} elements; tensor {Shape} has {ElementCount}.", nameof(destination));
        fixed (float* dst = destination)
            StridedCopy.Gather(Pointer, Shape.Dims, _strides, dst);
    }

    /// <summary>Releases this tensor's reference to its storage.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _storage.Release();
    }

    /// <summary>A short description: shape and strides.</summary>
    public override string ToString() => $"Tensor{Shape} strides [{string.Join(", ", _strides)}]";

    private int ElementOffset(ReadOnlySpan<int> index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"Index of rank {index.Length} used on tensor of shape {Shape}.", nameof(index));
        int offset = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i])
                throw new IndexOutOfRangeException($"Index [{string.Join(", ", index.ToArray())}] is out of range for shape {Shape}.");
            offset += index[i] * _strides[i];
        }
        return offset;
    }

    private Tensor View(Shape shape, int[] strides, int offset) => new(Storage.Retain(), shape, strides, offset);
}
