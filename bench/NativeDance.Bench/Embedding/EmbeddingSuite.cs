using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NativeDance.Bench.Reporting;

namespace NativeDance.Bench.Embedding;

/// <summary>
/// <c>embed</c>: runs <see cref="EmbeddingBenchmarks"/> with BenchmarkDotNet's memory diagnoser (a short in-process job)
/// and writes <c>embedding-allocations.md</c>: time and managed bytes allocated per clip, the command and the machine.
/// </summary>
internal static class EmbeddingSuite
{
    // Clips per iteration: enough that the per-clip figure is not a harness allocation spread over a handful of clips.
    private const int InvocationCount = 128;

    public static int Run(string command, string resultsDirectory)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithInvocationCount(InvocationCount).WithUnrollFactor(1))
            .AddDiagnoser(MemoryDiagnoser.Default);
        var summary = BenchmarkRunner.Run<EmbeddingBenchmarks>(config);
        if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success)) return 1;

        var text = new StringBuilder();
        text.AppendLine("# Embedding API: managed allocation per clip");
        text.AppendLine();
        text.AppendLine("`VideoClassifier.Classify(clip, logits)` (logits into a caller span) next to `Classify(clip)` (returns a `Classification`),");
        text.AppendLine("tiny C3D (width 1, random weights) on 16x32x32 clips, dense and DANCE-gated (controller fitted on procedural clips, scale 1),");
        text.AppendLine("loaded from safetensors files through `VideoClassifier.Load`. BenchmarkDotNet `[MemoryDiagnoser]`, ShortRun job in process, 128 clips per iteration.");
        text.AppendLine();
        text.AppendLine("| method | gated | mean (ms) | allocated per clip (B) |");
        text.AppendLine("|---|---|---:|---:|");
        foreach (var report in summary.Reports)
        {
            var benchmark = report.BenchmarkCase;
            string gated = benchmark.Parameters["Gated"]?.ToString() ?? "?";
            double ms = report.ResultStatistics!.Mean / 1e6;
            long bytes = report.GcStats.GetBytesAllocatedPerOperation(benchmark) ?? -1;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {benchmark.Descriptor.WorkloadMethod.Name} | {gated} | {ms:F3} | {bytes} |");
        }
        text.AppendLine();
        text.AppendLine("BenchmarkDotNet counts the bytes every thread of the process allocates while an iteration runs, so an allocation");
        text.AppendLine("elsewhere in the process (a few KB now and then on this machine) can show as ~20 B per clip on either overload.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Direct check after the run, {DirectClips} clips of the span overload after a warm-up, this thread and the whole process:");
        text.AppendLine();
        foreach (bool gated in new[] { false, true })
        {
            var (thread, process) = Direct(gated);
            text.AppendLine(CultureInfo.InvariantCulture, $"- gated {gated}: {thread} B on the calling thread, {process} B in the process");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {MachineDescription.CpuModel()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        Directory.CreateDirectory(resultsDirectory);
        string path = Path.Combine(resultsDirectory, "embedding-allocations.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private const int DirectClips = 256;

    /// <summary>Managed bytes allocated by <see cref="DirectClips"/> span-overload calls after a warm-up: this thread, the process.</summary>
    private static (long Thread, long Process) Direct(bool gated)
    {
        var benchmark = new EmbeddingBenchmarks { Gated = gated };
        benchmark.Setup();
        try
        {
            for (int i = 0; i < 16; i++) benchmark.ClassifyIntoSpan();
            return AllocationCount.Of(benchmark.ClassifyIntoSpan, DirectClips);
        }
        finally
        {
            benchmark.Cleanup();
        }
    }
}
