using NativeDance.Bench.Benchmarks;
using NativeDance.Bench.Layers;
using NativeDance.Tensors.Threading;

namespace NativeDance.Bench.Reporting;

/// <summary>
/// Managed bytes one forward conv into a preallocated output allocates, counted directly after the run on the calling
/// thread and in the whole process. BenchmarkDotNet's MemoryDiagnoser counts only the process, the runtime's own
/// threads included, so a method compiled in the background during a timed iteration reads as kilobytes per call.
/// </summary>
internal static class ForwardAllocationCheck
{
    private const int WarmUpCalls = 2;
    private const int MeasuredCalls = 4;

    /// <summary>Bytes per call of <paramref name="layer"/>'s forward at <paramref name="threads"/> threads, set up as its benchmark is.</summary>
    public static (long Thread, long Process) PerCall(BenchLayer layer, int threads)
    {
        int saved = ParallelFor.Threads;
        var benchmark = new Conv3dForwardBenchmarks { Layer = layer.Key, Threads = threads };
        try
        {
            benchmark.SetupOurs();
            for (int i = 0; i < WarmUpCalls; i++) benchmark.Ours();
            var (thread, process) = AllocationCount.Of(benchmark.Ours, MeasuredCalls);
            return (thread / MeasuredCalls, process / MeasuredCalls);
        }
        finally
        {
            benchmark.Cleanup();
            ParallelFor.Threads = saved;
        }
    }
}
