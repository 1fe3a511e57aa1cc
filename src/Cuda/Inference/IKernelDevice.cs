using NativeDance.Cuda.Kernels;

namespace NativeDance.Cuda.Inference;

/// <summary>
/// Where a compiled GPU plan keeps its memory and runs its kernels: a CUDA stream on a real GPU
/// (<see cref="StreamKernelDevice"/>), or the PTX interpreter in tests. Copies, clears and launches run in the order they
/// are issued; <see cref="Read"/> waits for all of them, timing markers included.
/// </summary>
internal interface IKernelDevice : IDisposable
{
    /// <summary>Streaming multiprocessors, which the conv tile choice fills.</summary>
    int MultiprocessorCount { get; }

    /// <summary>Uninitialised device memory of <paramref name="bytes"/> bytes (aligned to at least 256), freed on Dispose.</summary>
    ulong Allocate(long bytes);

    /// <summary>Copies <paramref name="source"/> to <paramref name="address"/>; the caller may reuse it once this returns.</summary>
    void Write(ulong address, ReadOnlySpan<byte> source);

    /// <summary>Sets <paramref name="bytes"/> bytes at <paramref name="address"/> to zero.</summary>
    void Clear(ulong address, long bytes);

    /// <summary>Runs (or enqueues) one kernel launch.</summary>
    void Launch<TArgs>(in KernelLaunch<TArgs> launch) where TArgs : unmanaged;

    /// <summary>Waits for everything issued so far, then copies device bytes at <paramref name="address"/> to <paramref name="destination"/>.</summary>
    void Read(ulong address, Span<byte> destination);

    /// <summary>
    /// Records timing marker <paramref name="index"/> after everything issued so far (recording an index again moves
    /// it). Markers are created on first use, so only timed runs pay for them.
    /// </summary>
    void RecordEvent(int index);

    /// <summary>Seconds from marker <paramref name="from"/> to marker <paramref name="to"/>, both recorded before the last <see cref="Read"/>.</summary>
    double ElapsedSeconds(int from, int to);
}
