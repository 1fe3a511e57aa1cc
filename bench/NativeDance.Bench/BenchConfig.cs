using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NativeDance.Bench.Reporting;

namespace NativeDance.Bench;

/// <summary>
/// One short job for every benchmark: in process (no per-benchmark rebuild, and the peers' native libraries load once),
/// monitoring strategy with one invocation per iteration (each op takes milliseconds, so there is nothing to batch),
/// a few warm-ups and iterations, medians. One joined summary, so that the exporter sees the whole run.
/// </summary>
internal static class BenchConfig
{
    private const int WarmupCount = 3;
    private const int IterationCount = 15;

    public static IConfig Create(bool smoke, string resultsDirectory, string command)
    {
        int warmups = smoke ? 0 : WarmupCount, iterations = smoke ? 1 : IterationCount;
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(warmups)
            .WithIterationCount(iterations)
            .WithId(smoke ? "Smoke" : "Short");
        string description = $"{warmups} warm-up and {iterations} measured iterations of one call each";
        return ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub, new ComparisonExporter(resultsDirectory, command, description))
            .WithOptions(ConfigOptions.JoinSummary);
    }
}
