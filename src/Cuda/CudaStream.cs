using NativeDance.Cuda.Driver;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda;

/// <summary>
/// A non-blocking CUDA stream: work enqueued on it (launches, asynchronous copies, event records) runs in order, and
/// independently of the legacy default stream.
/// </summary>
/// <example><code>
/// using var stream = device.CreateStream();
/// stream.Launch(function, new LaunchShape(new Dim3(blocks), new Dim3(256)), new SaxpyArgs(x.Address, y.Address, n, 2f));
/// stream.Synchronize();
/// </code></example>
public sealed class CudaStream : IDisposable
{
    private readonly StreamHandle handle;

    internal unsafe CudaStream(CudaDevice device)
    {
        Device = device;
        handle = new StreamHandle(device.Context);
        nint stream;
        device.Context.Bind();
        CudaCheck.Ok(cuStreamCreate(&stream, CreationFlags.NonBlockingStream));
        handle.Attach(stream);
    }

    /// <summary>The device the stream belongs to.</summary>
    public CudaDevice Device { get; }

    internal nint Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            return handle.Native;
        }
    }

    /// <summary>
    /// Enqueues <paramref name="function"/> over <paramref name="shape"/> with <paramref name="args"/> as its parameter
    /// buffer. <typeparamref name="TArgs"/> is the kernel's blittable argument struct: fields in <c>.param</c> order,
    /// ulong for pointers (<see cref="DeviceBuffer{T}.Address"/>). Neither boxes, allocates nor waits, unless
    /// <see cref="CudaDebug.SynchronizeAfterEachLaunch"/> is on.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="function"/> was loaded on another GPU.</exception>
    /// <exception cref="CudaException">The driver refused the launch (or, in debug mode, the kernel faulted); names the kernel.</exception>
    public unsafe void Launch<TArgs>(CudaFunction function, LaunchShape shape, in TArgs args) where TArgs : unmanaged
    {
        ArgumentNullException.ThrowIfNull(function);
        if (function.Module.Context.Device != handle.Context.Device)
            throw new ArgumentException($"{function} was loaded on {function.Module.Device}, not on this stream's {Device}.", nameof(function));
        nint stream = Native;
        nuint size;
        void** extra = stackalloc void*[LaunchArgumentBuffer.Length];
        CudaResult result;
        fixed (TArgs* buffer = &args)
        {
            LaunchArgumentBuffer.Describe(buffer, &size, extra);
            handle.Context.Bind();
            result = cuLaunchKernel(function.Native, shape.Grid.X, shape.Grid.Y, shape.Grid.Z, shape.Block.X, shape.Block.Y, shape.Block.Z,
                shape.DynamicSharedBytes, stream, null, extra);
        }
        if (result != CudaResult.Success)
            throw new CudaException(result, LaunchDescription.Launch(function.Name, function.Module.Name, shape));
        if (CudaDebug.SynchronizeAfterEachLaunch)
        {
            handle.Context.Bind();
            result = cuStreamSynchronize(stream);
            if (result != CudaResult.Success)
                throw new CudaException(result, LaunchDescription.SynchronizedLaunch(function.Name, function.Module.Name, shape));
        }
        GC.KeepAlive(this);
        GC.KeepAlive(function);
    }

    /// <summary>Waits until everything enqueued so far has finished.</summary>
    public void Synchronize()
    {
        nint stream = Native;
        handle.Context.Bind();
        CudaCheck.Ok(cuStreamSynchronize(stream));
        GC.KeepAlive(this);
    }

    /// <summary>True when everything enqueued so far has finished (does not wait).</summary>
    public bool IsIdle
    {
        get
        {
            nint stream = Native;
            handle.Context.Bind();
            CudaResult result = cuStreamQuery(stream);
            GC.KeepAlive(this);
            if (result == CudaResult.NotReady) return false;
            CudaCheck.Ok(result, "cuStreamQuery(stream)");
            return true;
        }
    }

    /// <summary>Destroys the stream (work already enqueued still completes).</summary>
    public void Dispose() => handle.Dispose();
}
