using System.CommandLine;
using System.Text.Json;
using NativeDance.Cli.Benchmarks;
using NativeDance.Tensors.Conv;

namespace NativeDance.Cli.Commands;

/// <summary><c>dance bench</c>: times the engine's conv3d forward on the catalog layers at several thread counts.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var layers = new Option<string[]>("--layers")
        {
            Description = $"Layers to run (default: all): {string.Join(", ", Conv3dLayerCatalog.All.Select(l => l.Name))}",
            AllowMultipleArgumentsPerToken = true,
        };
        var threads = new Option<int[]>("--threads")
        {
            Description = "Thread counts to measure (default: 1 and the processor count)",
            AllowMultipleArgumentsPerToken = true,
        };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds per measurement", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up rounds", DefaultValueFactory = _ => 1 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results to this JSON file" };

        var command = new Command("bench", "Time the engine's conv3d forward on the layers of real video models.")
        {
            layers, threads, rounds, warmup, json,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var selected = (parse.GetValue(layers) is { Length: > 0 } names ? names.Select(Conv3dLayerCatalog.Find) : Conv3dLayerCatalog.All).ToList();
            var threadCounts = parse.GetValue(threads) is { Length: > 0 } t ? t : DefaultThreads();
            int roundCount = parse.GetValue(rounds);
            if (roundCount < 1) throw new ArgumentException($"--rounds must be at least 1, got {roundCount}.");
            if (threadCounts.Any(n => n < 1)) throw new ArgumentException($"--threads must be at least 1, got {string.Join(", ", threadCounts)}.");
            Run(selected, threadCounts, Math.Max(0, parse.GetValue(warmup)), roundCount, parse.GetValue(json));
        }));
        return command;
    }

    private static int[] DefaultThreads() => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    private static void Run(List<Conv3dLayer> layers, int[] threadCounts, int warmup, int rounds, FileInfo? json)
    {
        Console.WriteLine($"conv3d forward, fp32, N=1, median of {rounds} rounds after {warmup} warm-up ({Environment.ProcessorCount} logical processors)");
        Console.WriteLine($"{"layer",-20} {"threads",7} {"median ms",10} {"min ms",10} {"GFLOP/s",9}  description");
        var results = new List<ConvLayerResult>();
        foreach (var layer in layers)
        {
            foreach (int n in threadCounts)
            {
                var r = ConvLayerBenchmark.Run(layer, n, warmup, rounds);
                results.Add(r);
                Console.WriteLine($"{layer.Name,-20} {n,7} {r.Timing.MedianMs,10:F2} {r.Timing.MinMs,10:F2} {r.GflopsAtMedian,9:F1}  {layer.Description}");
            }
        }
        if (json is not null) WriteJson(json, results);
    }

    private static void WriteJson(FileInfo file, List<ConvLayerResult> results)
    {
        var rows = results.Select(r => new BenchRow(r.Layer.Name, r.Threads, "fwd", r.Timing.MedianMs, r.Timing.MinMs, r.GflopsAtMedian)).ToList();
        file.Directory?.Create();
        string temp = file.FullName + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(rows, BenchJsonContext.Default.ListBenchRow));
        File.Move(temp, file.FullName, overwrite: true);
        Console.WriteLine($"wrote {file.FullName}");
    }
}
