using NativeDance.Cuda.Driver;
using NativeDance.Cuda.Kernels;
using static NativeDance.Cuda.Driver.CuApi;

namespace NativeDance.Cuda.Inference;

/// <summary>
/// <see cref="IKernelDevice"/> on a GPU: one non-blocking stream, device buffers from the caching allocator, and one
/// page-locked staging buffer through which every copy goes, so copies are truly asynchronous and ordered with the
/// launches. The staging buffer grows while a plan is compiled (weights) and keeps its size afterwards, so a clip's
/// copies allocate nothing.
/// </summary>
internal sealed unsafe class StreamKernelDevice : IKernelDevice
{
    private readonly CudaDevice _device;
    private readonly bool _ownsDevice;
    private readonly CudaStream _stream;
    private readonly List<DeviceBuffer<byte>> _buffers = [];
    private readonly Dictionary<(string Module, string Entry), CudaFunction> _functions = [];
    private readonly List<CudaEvent> _events = [];
    private PinnedHostBuffer<byte>? _staging;

    /// <param name="device">The GPU.</param>
    /// <param name="ownsDevice">Whether Dispose also disposes <paramref name="device"/>.</param>
    public StreamKernelDevice(CudaDevice device, bool ownsDevice)
    {
        _device = device;
        _ownsDevice = ownsDevice;
        _stream = device.CreateStream();
    }

    public int MultiprocessorCount => _device.MultiprocessorCount;

    /// <summary>The stream every copy and launch goes to (for timing with events).</summary>
    public CudaStream Stream => _stream;

    public ulong Allocate(long bytes)
    {
        var buffer = _device.Allocate<byte>(Math.Max(1, bytes));
        _buffers.Add(buffer);
        return buffer.Address;
    }

    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty) return;
        // The staging buffer may still feed an earlier copy; on a plan's steady state the stream is idle here.
        _stream.Synchronize();
        var staging = Staging(source.Length);
        source.CopyTo(staging.Span);
        _device.Context.Bind();
        CudaCheck.Ok(cuMemcpyHtoDAsync_v2(address, staging.Pointer, (nuint)source.Length, _stream.Native));
    }

    public void Clear(ulong address, long bytes)
    {
        if (bytes <= 0) return;
        _device.Context.Bind();
        CudaCheck.Ok(cuMemsetD8Async(address, 0, (nuint)bytes, _stream.Native));
    }

    public void Launch<TArgs>(in KernelLaunch<TArgs> launch) where TArgs : unmanaged =>
        _stream.Launch(Function(launch.Module, launch.Entry), launch.Shape, launch.Arguments);

    public void Read(ulong address, Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            _stream.Synchronize();
            return;
        }
        var staging = Staging(destination.Length);
        _device.Context.Bind();
        CudaCheck.Ok(cuMemcpyDtoHAsync_v2(staging.Pointer, address, (nuint)destination.Length, _stream.Native));
        _stream.Synchronize();
        staging.Span[..destination.Length].CopyTo(destination);
    }

    public void RecordEvent(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        while (_events.Count <= index) _events.Add(_device.CreateEvent());
        _events[index].Record(_stream);
    }

    public double ElapsedSeconds(int from, int to) => _events[to].ElapsedMillisecondsSince(_events[from]) * 1e-3;

    public void Dispose()
    {
        foreach (var e in _events) e.Dispose();
        _events.Clear();
        _stream.Dispose();
        foreach (var buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
        _staging?.Dispose();
        _staging = null;
        if (_ownsDevice) _device.Dispose();
    }

    private CudaFunction Function(string module, string entry)
    {
        if (!_functions.TryGetValue((module, entry), out var function))
            _functions[(module, entry)] = function = _device.Module(module).Function(entry);
        return function;
    }

    /// <summary>The staging buffer, grown to at least <paramref name="bytes"/> (only while the stream is idle).</summary>
    private PinnedHostBuffer<byte> Staging(int bytes)
    {
        if (_staging is null || _staging.Length < bytes)
        {
            _stream.Synchronize();
            _staging?.Dispose();
            _staging = _device.AllocatePinned<byte>(Math.Max(bytes, 1 << 16));
        }
        return _staging;
    }
}
