using NativeDance.Cuda.Driver;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda;

/// <summary>A timing event: a marker recorded on a stream, for waiting and for measuring GPU time between two markers.</summary>
/// <example><code>
/// start.Record(stream); stream.Launch(...); end.Record(stream);
/// end.Synchronize();
/// float ms = end.ElapsedMillisecondsSince(start);
/// </code></example>
public sealed class CudaEvent : IDisposable
{
    private readonly EventHandle handle;

    internal unsafe CudaEvent(PrimaryContext context)
    {
        handle = new EventHandle(context);
        nint evt;
        context.Bind();
        CudaCheck.Ok(cuEventCreate(&evt, CreationFlags.TimingEvent));
        handle.Attach(evt);
    }

    /// <summary>Enqueues the marker on <paramref name="stream"/>; it completes when the work enqueued before it has.</summary>
    public void Record(CudaStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        nint evt = Native;
        handle.Context.Bind();
        CudaCheck.Ok(cuEventRecord(evt, stream.Native));
        GC.KeepAlive(this);
    }

    /// <summary>Waits until the last recorded marker has completed.</summary>
    public void Synchronize()
    {
        nint evt = Native;
        handle.Context.Bind();
        CudaCheck.Ok(cuEventSynchronize(evt));
        GC.KeepAlive(this);
    }

    /// <summary>GPU milliseconds from <paramref name="start"/>'s marker to this one's (both recorded and completed),
    /// with a resolution of about half a microsecond.</summary>
    /// <exception cref="CudaException">An event has not been recorded or has not completed (<see cref="CudaResult.NotReady"/>).</exception>
    public unsafe float ElapsedMillisecondsSince(CudaEvent start)
    {
        ArgumentNullException.ThrowIfNull(start);
        float milliseconds;
        nint from = start.Native, to = Native;
        handle.Context.Bind();
        CudaCheck.Ok(cuEventElapsedTime(&milliseconds, from, to));
        GC.KeepAlive(this);
        GC.KeepAlive(start);
        return milliseconds;
    }

    /// <summary>Destroys the event.</summary>
    public void Dispose() => handle.Dispose();

    private nint Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            return handle.Native;
        }
    }
}
