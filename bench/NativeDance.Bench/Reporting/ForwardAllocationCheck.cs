using NativeDance.Bench.Layers;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
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

    /// <summary>Bytes per call of <paramref name="layer"/>'s forward at <paramref name="threads"/> threads.</summary>
    public static (long Thread, long Process) PerCall(BenchLayer layer, int threads)
    {
        int saved = ParallelFor.Threads;
        ParallelFor.Threads = threads;
        try
        {
            var g = layer.Geometry;
            using var operands = new ConvOperands(g);
            using var output = Tensor.Zeros(g.OutputShape);
            void Run() => Conv3d.Forward(g, operands.Input.Span, operands.Weight.Span, operands.Bias.Span, output.Span);
            for (int i = 0; i < WarmUpCalls; i++) Run();
            var (thread, process) = AllocationCount.Of(Run, MeasuredCalls);
            return (thread / MeasuredCalls, process / MeasuredCalls);
        }
        finally
        {
            ParallelFor.Threads = saved;
        }
    }
}
