using NativeDance.Cuda.Driver;
using NativeDance.Cuda.Memory;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda;

/// <summary>
/// <see cref="Length"/> elements of <typeparamref name="T"/> in device memory, owned deterministically: Dispose returns
/// the block to the device's caching allocator (a finaliser does it as a safety net). Kernels take <see cref="Address"/>.
/// Synchronous copies take any span; asynchronous ones take a <see cref="PinnedHostBuffer{T}"/>, because the driver
/// reads or writes the host memory after the call returns and only page-locked memory can be copied truly asynchronously.
/// </summary>
/// <example><code>
/// using var y = device.Allocate&lt;float&gt;(n);
/// y.CopyFrom(values);
/// var args = new SaxpyArgs(x.Address, y.Address, (uint)n, 2f);
/// </code></example>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed unsafe class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    private readonly DeviceAllocation allocation;
    private readonly ulong address;

    internal DeviceBuffer(DeviceAllocation allocation, long length)
    {
        this.allocation = allocation;
        address = allocation.Address;
        Length = length;
    }

    /// <summary>Elements.</summary>
    public long Length { get; }

    /// <summary>Bytes of the elements (the block behind them may be larger).</summary>
    public long ByteLength => Length * sizeof(T);

    /// <summary>The device address of element 0: the <c>CUdeviceptr</c> a kernel argument struct takes.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public ulong Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(allocation.IsClosed, this);
            return address;
        }
    }

    /// <summary>Copies <paramref name="source"/> to elements [<paramref name="offset"/>, offset + source.Length), waiting until done.</summary>
    /// <exception cref="ArgumentException">The range does not fit in the buffer.</exception>
    public void CopyFrom(ReadOnlySpan<T> source, long offset = 0)
    {
        ulong target = ElementAddress(offset, source.Length, nameof(source));
        if (source.IsEmpty) return;
        fixed (T* host = source)
        {
            allocation.Context.Bind();
            CudaCheck.Ok(cuMemcpyHtoD_v2(target, host, Bytes(source.Length)));
        }
        GC.KeepAlive(this);
    }

    /// <summary>Copies elements [<paramref name="offset"/>, offset + destination.Length) to <paramref name="destination"/>,
    /// waiting until done (and for earlier work on the legacy default stream).</summary>
    /// <exception cref="ArgumentException">The range does not fit in the buffer.</exception>
    public void CopyTo(Span<T> destination, long offset = 0)
    {
        ulong from = ElementAddress(offset, destination.Length, nameof(destination));
        if (destination.IsEmpty) return;
        fixed (T* host = destination)
        {
            allocation.Context.Bind();
            CudaCheck.Ok(cuMemcpyDtoH_v2(host, from, Bytes(destination.Length)));
        }
        GC.KeepAlive(this);
    }

    /// <summary>Enqueues a copy of <paramref name="source"/> to elements [<paramref name="offset"/>, offset + source.Length)
    /// on <paramref name="stream"/>. Keep <paramref name="source"/> unchanged and undisposed until the stream has passed the copy.</summary>
    /// <exception cref="ArgumentException">The range does not fit in the buffer.</exception>
    public void CopyFromAsync(PinnedHostBuffer<T> source, CudaStream stream, long offset = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(stream);
        ulong target = ElementAddress(offset, source.Length, nameof(source));
        if (source.Length == 0) return;
        allocation.Context.Bind();
        CudaCheck.Ok(cuMemcpyHtoDAsync_v2(target, source.Pointer, Bytes(source.Length), stream.Native));
        GC.KeepAlive(this);
    }

    /// <summary>Enqueues a copy of elements [<paramref name="offset"/>, offset + destination.Length) to
    /// <paramref name="destination"/> on <paramref name="stream"/>; read it after the stream has passed the copy.</summary>
    /// <exception cref="ArgumentException">The range does not fit in the buffer.</exception>
    public void CopyToAsync(PinnedHostBuffer<T> destination, CudaStream stream, long offset = 0)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(stream);
        ulong from = ElementAddress(offset, destination.Length, nameof(destination));
        if (destination.Length == 0) return;
        allocation.Context.Bind();
        CudaCheck.Ok(cuMemcpyDtoHAsync_v2(destination.Pointer, from, Bytes(destination.Length), stream.Native));
        GC.KeepAlive(this);
    }

    /// <summary>Enqueues a copy of all <see cref="Length"/> elements to the start of <paramref name="destination"/> on
    /// <paramref name="stream"/> (device to device; both buffers on the stream's device).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than this buffer.</exception>
    public void CopyToAsync(DeviceBuffer<T> destination, CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(stream);
        ulong target = destination.ElementAddress(0, Length, nameof(destination));
        if (Length == 0) return;
        allocation.Context.Bind();
        CudaCheck.Ok(cuMemcpyDtoDAsync_v2(target, Address, Bytes(Length), stream.Native));
        GC.KeepAlive(this);
        GC.KeepAlive(destination);
    }

    /// <summary>Sets every byte of the buffer to <paramref name="value"/> (0 clears it), waiting until done.</summary>
    public void FillBytes(byte value = 0)
    {
        ulong target = Address;
        if (Length == 0) return;
        allocation.Context.Bind();
        CudaCheck.Ok(cuMemsetD8_v2(target, value, Bytes(Length)));
        GC.KeepAlive(this);
    }

    /// <summary>Enqueues setting every byte of the buffer to <paramref name="value"/> (0 clears it) on <paramref name="stream"/>.</summary>
    public void FillBytesAsync(CudaStream stream, byte value = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ulong target = Address;
        if (Length == 0) return;
        allocation.Context.Bind();
        CudaCheck.Ok(cuMemsetD8Async(target, value, Bytes(Length), stream.Native));
        GC.KeepAlive(this);
    }

    /// <summary>Returns the block to the device's cache.</summary>
    public void Dispose() => allocation.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"DeviceBuffer<{typeof(T).Name}>[{Length}] at 0x{address:x}";

    private static nuint Bytes(long count) => (nuint)(count * sizeof(T));

    private ulong ElementAddress(long offset, long count, string what)
    {
        if (offset < 0 || offset > Length - count)
            throw new ArgumentException($"Elements [{offset}, {offset + count}) do not fit in a device buffer of {Length}.", what);
        return Address + (ulong)(offset * sizeof(T));
    }
}
