using System.Globalization;
using NativeDance.Cuda.Kernels;
using NativeDance.Pruning.Profiling;

namespace NativeDance.Cuda.Profiling;

/// <summary>
/// Measures a GPU's roofs for <c>dance profile --device gpu</c> with cuda-kernels/peak_probe.ptx, timed by CUDA events:
/// the fp32 FMA rate of a grid filling every SM (16 independent FMA chains per thread), and the rate at which a grid
/// streams a buffer far larger than the L2 cache from device memory. Each figure is the best of several launches after
/// a warm-up, like the CPU's <see cref="Tensors.Diagnostics.PeakProbe"/>.
/// </summary>
public static class GpuPeakProbe
{
    private const int BlocksPerMultiprocessor = 8;     // 2048 threads per SM: a full SM at the kernels' <= 32 registers
    private const uint FmaIterations = 4096;            // ~2.5 ms per launch on an H100
    private const long ReadBytes = 1L << 29;            // 512 MiB, about ten times the largest L2
    private const int Launches = 5;

    /// <summary>Measures the roofs of <paramref name="device"/> (about a second, most of it the first module load).</summary>
    /// <exception cref="CudaException">The driver failed (e.g. out of device memory for the 512 MiB buffer).</exception>
    public static ProfileRoofs Measure(CudaDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        int blocks = device.MultiprocessorCount * BlocksPerMultiprocessor;
        long threads = (long)blocks * PeakProbeKernels.BlockThreads;
        long chunk = PeakProbeKernels.LoadsPerIteration * threads;
        long count4 = ReadBytes / 16 / chunk * chunk;
        using var stream = device.CreateStream();
        using var output = device.Allocate<float>(threads);
        using var source = device.Allocate<float>(count4 * 4);
        source.FillBytes();
        var fma = PeakProbeKernels.FmaPeak(output.Address, blocks, FmaIterations, 0.999f, 0.001f);
        double fmaSeconds = BestSeconds(device, stream, fma);
        var read = PeakProbeKernels.StreamRead(source.Address, output.Address, count4, blocks);
        double readSeconds = BestSeconds(device, stream, read);
        double gflops = threads * (double)FmaIterations * PeakProbeKernels.FmasPerIteration * 2 / fmaSeconds * 1e-9;
        double gbs = (count4 * 16.0 + threads * sizeof(float)) / readSeconds * 1e-9;
        string description = string.Create(CultureInfo.InvariantCulture,
            $"{device.Name}: {gflops:F0} GFLOP/s fp32 FMA, {gbs:F0} GB/s streaming read of {count4 * 16 >> 20} MiB (peak_probe.ptx, best of {Launches}, CUDA events)");
        return new ProfileRoofs(gflops, gbs, description);
    }

    /// <summary>The shortest of <see cref="Launches"/> event-timed launches, after one untimed.</summary>
    private static double BestSeconds<TArgs>(CudaDevice device, CudaStream stream, in KernelLaunch<TArgs> launch) where TArgs : unmanaged
    {
        var function = device.Module(launch.Module).Function(launch.Entry);
        using var start = device.CreateEvent();
        using var end = device.CreateEvent();
        stream.Launch(function, launch.Shape, launch.Arguments);
        double best = double.PositiveInfinity;
        for (int i = 0; i < Launches; i++)
        {
            start.Record(stream);
            stream.Launch(function, launch.Shape, launch.Arguments);
            end.Record(stream);
            end.Synchronize();
            best = Math.Min(best, end.ElapsedMillisecondsSince(start) * 1e-3);
        }
        return best;
    }
}
