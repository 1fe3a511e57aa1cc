using NativeDance.Cuda.Driver;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda;

/// <summary>
/// Page-locked host memory (cuMemAllocHost) of <see cref="Length"/> elements: what asynchronous copies read from and
/// write to. Fill or read it through <see cref="Span"/>; dispose it after the copies that use it have completed.
/// </summary>
/// <example><code>
/// using var staging = device.AllocatePinned&lt;float&gt;(n);
/// clip.CopyTo(staging.Span);
/// input.CopyFromAsync(staging, stream);
/// </code></example>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed unsafe class PinnedHostBuffer<T> : IDisposable where T : unmanaged
{
    private readonly HostMemoryHandle memory;

    private PinnedHostBuffer(HostMemoryHandle memory, int length)
    {
        this.memory = memory;
        Length = length;
    }

    /// <summary>Elements.</summary>
    public int Length { get; }

    /// <summary>The elements.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public Span<T> Span => new(Pointer, Length);

    internal T* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(memory.IsClosed, this);
            return (T*)memory.Native;
        }
    }

    internal static PinnedHostBuffer<T> Allocate(PrimaryContext context, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var memory = new HostMemoryHandle(context);
        void* host;
        context.Bind();
        CudaCheck.Ok(cuMemAllocHost_v2(&host, (nuint)Math.Max(1L, (long)length * sizeof(T))));
        memory.Attach((nint)host);
        return new PinnedHostBuffer<T>(memory, length);
    }

    /// <summary>Frees the page-locked memory.</summary>
    public void Dispose() => memory.Dispose();
}
