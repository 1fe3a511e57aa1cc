using System.Diagnostics;
using NativeDance.Cuda.Inference;
using NativeDance.Cuda.Kernels;
using NativeDance.PtxInterpreter;
using NativeDance.Tests.Cuda.Kernels;

namespace NativeDance.Tests.Cuda.Inference;

/// <summary>
/// <see cref="IKernelDevice"/> on the PTX interpreter: every allocation is its own region with guard gaps, so a kernel of
/// the plan that reads or writes past a buffer, or reads memory nothing wrote, fails with its kernel, thread and line.
/// <paramref name="multiprocessors"/> steers the conv tile choice (many: small tiles and split-K; few: large tiles).
/// The interpreter runs every launch synchronously, so a timing marker is the host clock when it is recorded and the
/// time between markers is the interpreter's wall time for the launches between them: real, non-negative, additive.
/// </summary>
internal sealed class InterpretedKernelDevice(int multiprocessors) : IKernelDevice
{
    private readonly List<long> _markers = [];

    public PtxDevice Device { get; } = new();

    public int MultiprocessorCount => multiprocessors;

    public ulong Allocate(long bytes) => Device.Allocate(Math.Max(1, bytes));

    public void Write(ulong address, ReadOnlySpan<byte> source) => Device.Write(address, source);

    public void Clear(ulong address, long bytes) => Device.Write<byte>(address, new byte[bytes]);

    public void Launch<TArgs>(in KernelLaunch<TArgs> launch) where TArgs : unmanaged =>
        Device.Launch(InterpretedDevice.Module(launch.Module).Kernel(launch.Entry), launch.Shape, launch.Arguments);

    public void Read(ulong address, Span<byte> destination) => Device.Download<byte>(address, destination.Length).CopyTo(destination);

    /// <summary>Markers recorded so far, over all runs.</summary>
    public int MarkersRecorded { get; private set; }

    public void RecordEvent(int index)
    {
        while (_markers.Count <= index) _markers.Add(0);
        _markers[index] = Stopwatch.GetTimestamp();
        MarkersRecorded++;
    }

    public double ElapsedSeconds(int from, int to) => Stopwatch.GetElapsedTime(_markers[from], _markers[to]).TotalSeconds;

    public void Dispose()
    {
    }
}
