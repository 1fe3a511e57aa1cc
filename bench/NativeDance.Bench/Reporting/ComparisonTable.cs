using NativeDance.Bench.Benchmarks;
using NativeDance.Bench.Layers;

namespace NativeDance.Bench.Reporting;

/// <summary>One line of the comparison: a layer (or the GEMM), a thread count and a pass, with each implementation's result.</summary>
internal sealed record ComparisonRow(string Name, int Order, int Threads, string Pass, double Flops, Measurement? Ours, Measurement? Torch, Measurement? Ort);

/// <summary>Pairs up the measurements of the three benchmark classes into comparison rows.</summary>
internal static class ComparisonTable
{
    /// <summary>Conv rows, forward then backward, each by layer number then threads.</summary>
    public static IReadOnlyList<ComparisonRow> ConvRows(IReadOnlyList<Measurement> measurements) =>
    [
        .. Rows(measurements, typeof(Conv3dForwardBenchmarks), "fwd", 1),
        .. Rows(measurements, typeof(Conv3dBackwardBenchmarks), "bwd", 2),
    ];

    /// <summary>GEMM rows, by threads.</summary>
    public static IReadOnlyList<ComparisonRow> GemmRows(IReadOnlyList<Measurement> measurements)
    {
        const double flops = 2.0 * GemmBenchmarks.Size * GemmBenchmarks.Size * GemmBenchmarks.Size;
        return measurements.Where(m => m.Benchmark == typeof(GemmBenchmarks))
            .GroupBy(m => m.Threads)
            .OrderBy(g => g.Key)
            .Select(g => new ComparisonRow($"sgemm {GemmBenchmarks.Size}^3", 0, g.Key, "fwd", flops,
                Pick(g, nameof(GemmBenchmarks.Ours)), Pick(g, nameof(GemmBenchmarks.Torch)), null))
            .ToArray();
    }

    // Backward computes the input and the weight gradients: twice the forward's FLOPs (the bias gradient is negligible).
    private static IEnumerable<ComparisonRow> Rows(IReadOnlyList<Measurement> measurements, Type benchmark, string pass, int flopsPerForward) =>
        measurements.Where(m => m.Benchmark == benchmark && m.Layer is not null)
            .GroupBy(m => (m.Layer!, m.Threads))
            .Select(g =>
            {
                var layer = BenchLayers.Get(g.Key.Item1);
                return new ComparisonRow(layer.Name, layer.Number, g.Key.Threads, pass, flopsPerForward * layer.ForwardFlops,
                    Pick(g, "Ours"), Pick(g, "Torch"), Pick(g, "OnnxRuntime"));
            })
            .OrderBy(r => r.Order).ThenBy(r => r.Threads);

    private static Measurement? Pick(IEnumerable<Measurement> group, string implementation) =>
        group.FirstOrDefault(m => m.Implementation == implementation);
}
