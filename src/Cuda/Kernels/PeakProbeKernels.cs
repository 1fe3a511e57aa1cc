using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels;

/// <summary>Host side of cuda-kernels/peak_probe.ptx: the fp32 FMA and streaming-read probes behind the GPU profile's roofs.</summary>
internal static class PeakProbeKernels
{
    public const string Module = "peak_probe";
    public const uint BlockThreads = 256;

    /// <summary>FMAs per thread per loop trip of fma_peak (16 accumulators x 4).</summary>
    public const int FmasPerIteration = 64;

    /// <summary>float4 elements each thread reads per loop trip of stream_read.</summary>
    public const int LoadsPerIteration = 4;

    /// <summary>
    /// fma_peak over <paramref name="blocks"/> x 256 threads, each writing its accumulators' sum to
    /// <paramref name="output"/> (blocks x 256 floats).
    /// </summary>
    /// <exception cref="ArgumentException">The pointer is null or <paramref name="blocks"/> is not positive.</exception>
    public static KernelLaunch<FmaPeakArguments> FmaPeak(ulong output, int blocks, uint iterations, float multiplier, float addend)
    {
        var args = new FmaPeakArguments(KernelArguments.Pointer(output, nameof(output)), iterations, multiplier, addend);
        return new(Module, "fma_peak", Grid(blocks), args);
    }

    /// <summary>
    /// stream_read of <paramref name="count4"/> float4 at <paramref name="source"/> by <paramref name="blocks"/> x 256
    /// threads, each writing its sum to <paramref name="output"/> (blocks x 256 floats).
    /// </summary>
    /// <exception cref="ArgumentException">A pointer is null, <paramref name="blocks"/> is not positive, or
    /// <paramref name="count4"/> is not a positive multiple of 4 x the grid's threads.</exception>
    public static KernelLaunch<StreamReadArguments> StreamRead(ulong source, ulong output, long count4, int blocks)
    {
        var shape = Grid(blocks);
        long chunk = (long)LoadsPerIteration * blocks * BlockThreads;
        uint n = KernelArguments.Count(count4, nameof(count4));
        if (n % chunk != 0)
            throw new ArgumentException($"count4 = {count4} must be a multiple of {chunk} (4 x {blocks} blocks x {BlockThreads} threads).", nameof(count4));
        var args = new StreamReadArguments(KernelArguments.Pointer(source, nameof(source)), KernelArguments.Pointer(output, nameof(output)), n);
        return new(Module, "stream_read", shape, args);
    }

    private static LaunchShape Grid(int blocks) => blocks > 0
        ? new(new Dim3((uint)blocks), new Dim3(BlockThreads))
        : throw new ArgumentException($"blocks = {blocks} must be positive.", nameof(blocks));
}

/// <summary>The parameters of fma_peak, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct FmaPeakArguments(ulong output, uint iterations, float multiplier, float addend)
{
    public readonly ulong Output = output;
    public readonly ulong Iterations = iterations;
    public readonly float Multiplier = multiplier, Addend = addend;
}

/// <summary>The parameters of stream_read, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct StreamReadArguments(ulong source, ulong output, uint count4)
{
    public readonly ulong Source = source, Output = output;
    public readonly ulong Count4 = count4;
}
