using BenchmarkDotNet.Reports;

namespace NativeDance.Bench.Reporting;

/// <summary>One benchmark case's result: which benchmark, implementation, layer and thread count, and its times.</summary>
internal sealed record Measurement(Type Benchmark, string Implementation, string? Layer, int Threads, double MedianMs, double MinMs)
{
    /// <summary>The successful cases of a summary.</summary>
    public static IReadOnlyList<Measurement> From(Summary summary)
    {
        var result = new List<Measurement>();
        foreach (var report in summary.Reports)
        {
            if (!report.Success || report.ResultStatistics is not { } stats) continue;
            var c = report.BenchmarkCase;
            var parameters = c.Parameters.Items;
            result.Add(new Measurement(
                c.Descriptor.Type,
                c.Descriptor.WorkloadMethod.Name,
                parameters.FirstOrDefault(p => p.Name == "Layer")?.Value as string,
                (int)parameters.First(p => p.Name == "Threads").Value,
                stats.Median / 1e6,
                stats.Min / 1e6));
        }
        return result;
    }
}
