using BenchmarkDotNet.Running;
using NativeDance.Bench;
using NativeDance.Bench.Benchmarks;
using NativeDance.Bench.EndToEnd;
using NativeDance.Bench.Embedding;
using NativeDance.Bench.Gated;
using NativeDance.Bench.Layers;
using NativeDance.Bench.Plan;
using NativeDance.Bench.Training;

string command = "dotnet run -c Release --project bench/NativeDance.Bench -- " + string.Join(' ', args);
if (args is ["train", .. var trainArgs])
{
    var trainOptions = TrainBenchOptions.Parse(trainArgs);
    if (trainOptions is null) return 2;
    var report = TrainingBenchmark.Run(trainOptions);
    foreach (string file in report.Write(trainOptions.ResultsDirectory ?? Path.Combine(RepositoryRoot(), "bench", "results"), command))
        Console.WriteLine($"wrote {file}");
    return 0;
}

if (args.Length > 0 && args[0] == "gated") return RunGated(args);
if (args is ["embed"]) return EmbeddingSuite.Run(command, Path.Combine(RepositoryRoot(), "bench", "results"));
if (args is ["gemm-race", .. var raceArgs]) return GemmRace.Run(raceArgs, command);
if (args is ["conv-race", .. var convRaceArgs]) return ConvRace.Run(convRaceArgs, command);
if (args is ["plan", .. var planArgs])
{
    var planOptions = PlanBenchOptions.Parse(planArgs);
    if (planOptions is null) return 2;
    return PlanBenchmark.Run(planOptions, command, planOptions.ResultsDirectory ?? Path.Combine(RepositoryRoot(), "bench", "results"));
}
if (args is ["e2e", .. var e2eArgs]) return RunEndToEnd(e2eArgs, command);
var options = BenchOptions.Parse(args);
if (options is null) return 2;
BenchLayers.Select(options.Layers);
string results = options.ResultsDirectory ?? Path.Combine(RepositoryRoot(), "bench", "results");
var config = BenchConfig.Create(options.Smoke, results, command);
var summaries = BenchmarkRunner.Run(
    [typeof(GemmBenchmarks), typeof(Conv3dForwardBenchmarks), typeof(Conv3dBackwardBenchmarks)], config, options.BenchmarkDotNetArgs);
return summaries.All(s => !s.HasCriticalValidationErrors && s.Reports.All(r => r.Success)) ? 0 : 1;

// The gated-conv grid: a stopwatch loop of its own (see GatedConvBenchmark), results next to the others.
static int RunGated(string[] args)
{
    var gated = GatedBenchOptions.Parse(args.AsSpan(1));
    if (gated is null) return 2;
    var cells = GatedConvBenchmark.Run(gated, Console.WriteLine);
    string command = "dotnet run -c Release --project bench/NativeDance.Bench -- " + string.Join(' ', args);
    foreach (string file in GatedResultsWriter.Write(cells, gated.ResultsDirectory ?? Path.Combine(RepositoryRoot(), "bench", "results"), command, gated.Repeats))
        Console.WriteLine($"wrote {file}");
    return 0;
}

// Whole models against libtorch and ONNX Runtime (see EndToEndBenchmark); a missing demo run is one clear line.
static int RunEndToEnd(string[] args, string command)
{
    var options = EndToEndOptions.Parse(args);
    if (options is null) return 2;
    EndToEndReport report;
    try
    {
        report = EndToEndBenchmark.Run(options, Console.WriteLine);
    }
    catch (Exception e) when (e is FileNotFoundException or ArgumentException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    if (options.Smoke) return 0;
    foreach (string file in report.Write(options.ResultsDirectory ?? Path.Combine(RepositoryRoot(), "bench", "results"), command))
        Console.WriteLine($"wrote {file}");
    return 0;
}

// The folder holding NativeDance.sln, searched upwards from the working directory, then from the program's folder.
static string RepositoryRoot()
{
    foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NativeDance.sln"))) return dir.FullName;
    }
    throw new DirectoryNotFoundException("NativeDance.sln not found above the working directory; pass --out DIR.");
}
