using NativeDance.Tensors;

namespace NativeDance.Data.Transforms;

/// <summary>
/// Two pooled native buffers for one thread running a <see cref="ClipTransformPipeline"/>: the dataset writes the raw
/// clip into <see cref="Input"/>, and the pipeline ping-pongs between the buffers. Reusing one workspace per thread
/// keeps preprocessing free of managed allocation.
/// </summary>
public sealed unsafe class ClipWorkspace : IDisposable
{
    private readonly int _inputLength;
    private (nint Pointer, int Capacity) _first, _second;

    internal ClipWorkspace(int inputLength, int bufferLength)
    {
        _inputLength = inputLength;
        BufferLength = bufferLength;
        _first = NativeBufferPool.Rent(bufferLength);
        _second = NativeBufferPool.Rent(bufferLength);
    }

    /// <summary>Where the untransformed clip goes: exactly the pipeline's input element count.</summary>
    public Span<float> Input => First[.._inputLength];

    internal int BufferLength { get; }

    internal Span<float> First => Buffer(_first);

    internal Span<float> Second => Buffer(_second);

    /// <summary>Returns the buffers to the pool.</summary>
    public void Dispose()
    {
        NativeBufferPool.Return(_first.Pointer, _first.Capacity);
        NativeBufferPool.Return(_second.Pointer, _second.Capacity);
        _first = _second = default;
    }

    private Span<float> Buffer((nint Pointer, int Capacity) buffer)
    {
        ObjectDisposedException.ThrowIf(buffer.Pointer == 0, this);
        return new Span<float>((void*)buffer.Pointer, BufferLength);
    }
}
