using System.Runtime.Intrinsics;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tests.Gemm;

/// <summary>Tests that set the process-wide thread count or SIMD width, or need them fixed, run alone, so each really runs with the settings it expects.</summary>
[CollectionDefinition(nameof(KernelSettings), DisableParallelization = true)]
public sealed class KernelSettings
{
    /// <summary>Every SIMD width this machine accelerates, widest first, then scalar.</summary>
    internal static IEnumerable<SimdWidth> Widths()
    {
        if (Vector512.IsHardwareAccelerated) yield return SimdWidth.Vector512;
        if (Vector256.IsHardwareAccelerated) yield return SimdWidth.Vector256;
        if (Vector128.IsHardwareAccelerated) yield return SimdWidth.Vector128;
        yield return SimdWidth.Scalar;
    }

    /// <summary>The widths by name, as theory data (test methods are public, the width type is internal).</summary>
    public static TheoryData<string> WidthNames() => new(Widths().Select(w => w.ToString()));

    /// <summary>Runs <paramref name="action"/> with a forced width and thread count, restoring both afterwards.</summary>
    internal static void Run(string width, int threads, Action action) => Run(Enum.Parse<SimdWidth>(width), threads, action);

    /// <summary>Runs <paramref name="action"/> with a forced width and thread count, restoring both afterwards.</summary>
    internal static void Run(SimdWidth width, int threads, Action action)
    {
        int savedThreads = ParallelFor.Threads;
        SimdDispatch.Override = width;
        ParallelFor.Threads = threads;
        try
        {
            action();
        }
        finally
        {
            SimdDispatch.Override = null;
            ParallelFor.Threads = savedThreads;
        }
    }
}
