namespace NativeDance.Tensors;

/// <summary>
/// A reference-counted block of 64-byte aligned native floats, rented from <see cref="NativeBufferPool"/>.
/// Tensors that view the same data share one storage; the memory goes back to the pool when the last
/// of them is disposed (or, as a safety net, when the storage is finalised).
/// </summary>
public sealed unsafe class Storage
{
    private float* _pointer;
    private readonly int _capacity;
    private int _references = 1;

    /// <summary>Rents storage for <paramref name="length"/> floats, zeroed unless <paramref name="clear"/> is false.</summary>
    public Storage(int length, bool clear = true)
    {
        (nint ptr, _capacity) = NativeBufferPool.Rent(length, clear);
        _pointer = (float*)ptr;
        Length = length;
    }

    /// <summary>Number of floats.</summary>
    public int Length { get; }

    /// <summary>Whether the memory has been given back.</summary>
    public bool IsReleased => _pointer == null;

    /// <summary>Pointer to the first float; valid until the last reference is released.</summary>
    /// <exception cref="ObjectDisposedException">The storage was released.</exception>
    public float* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return _pointer;
        }
    }

    /// <summary>The data as a span.</summary>
    public Span<float> Span => new(Pointer, Length);

    /// <summary>Adds a reference (a new tensor view shares this storage).</summary>
    internal Storage Retain()
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        Interlocked.Increment(ref _references);
        return this;
    }

    /// <summary>Drops a reference; the last one returns the memory to the pool.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Free();
            GC.SuppressFinalize(this);
        }
    }

    private void Free()
    {
        float* p = _pointer;
        _pointer = null;
        NativeBufferPool.Return((nint)p, _capacity);
    }

    /// <summary>Safety net for storage whose tensors were never disposed.</summary>
    ~Storage()
    {
        if (_pointer != null) Free();
    }
}
