namespace NativeDance.Tensors.Diagnostics;

/// <summary>One timed probe: how much work it did (flops or bytes) in how many seconds.</summary>
/// <param name="Work">Floating-point operations (an FMA counts two) or bytes moved.</param>
/// <param name="Seconds">Wall-clock seconds of the fastest trial.</param>
public readonly record struct ProbeRate(double Work, double Seconds)
{
    /// <summary><see cref="Work"/> / <see cref="Seconds"/>.</summary>
    public double PerSecond => Work / Seconds;
}

/// <summary>
/// What this machine reaches at the thread count and SIMD width the kernels use, measured by <see cref="PeakProbe"/>:
/// the fp32 FMA throughput of independent register chains (the compute roof) and the streaming read and write
/// bandwidth of a buffer far larger than the L2 cache (the memory roof). Percent-of-peak figures divide by these.
/// </summary>
/// <param name="Threads">Threads the probe ran on (<see cref="Threading.ParallelFor.Threads"/>).</param>
/// <param name="VectorBits">Register width of the probe: 512, 256, 128, or 32 for scalar code.</param>
/// <param name="Fma">Flops of the FMA chains and their time.</param>
/// <param name="Read">Bytes read by the streaming read and their time.</param>
/// <param name="Write">Bytes written by the streaming write (plain stores, as the kernels do) and their time.</param>
/// <param name="BufferBytes">Size of the buffer the bandwidth probes stream over.</param>
public sealed record MachinePeak(int Threads, int VectorBits, ProbeRate Fma, ProbeRate Read, ProbeRate Write, long BufferBytes)
{
    /// <summary>Peak fp32 compute in GFLOP/s.</summary>
    public double Gflops => Fma.PerSecond / 1e9;

    /// <summary>Streaming read bandwidth in GB/s (10^9 bytes).</summary>
    public double ReadGBs => Read.PerSecond / 1e9;

    /// <summary>Streaming write bandwidth in GB/s (10^9 bytes).</summary>
    public double WriteGBs => Write.PerSecond / 1e9;

    /// <summary>One line for report headers, e.g. <c>peak 180.3 GFLOP/s fp32 (Vector512 FMA, 2 threads), read 21.4 GB/s, write 11.2 GB/s (64 MiB)</c>.</summary>
    public override string ToString() =>
        $"peak {Gflops:F1} GFLOP/s fp32 ({(VectorBits == 32 ? "scalar" : $"Vector{VectorBits}")} FMA, {Threads} thread{(Threads == 1 ? "" : "s")}), "
        + $"read {ReadGBs:F1} GB/s, write {WriteGBs:F1} GB/s ({BufferBytes / (1024.0 * 1024):F0} MiB buffer)";
}
