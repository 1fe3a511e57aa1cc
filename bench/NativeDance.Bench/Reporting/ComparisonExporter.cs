using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using NativeDance.Bench.Layers;

namespace NativeDance.Bench.Reporting;

/// <summary>
/// Writes the run's comparison as conv3d-cpu.json (one object per layer, thread count and pass, with each
/// implementation's median in ms, null where it did not run) and conv3d-cpu.md (the same as tables with GFLOP/s and
/// speed-ups, the GEMM, and the machine). Needs the summary of the whole run (ConfigOptions.JoinSummary).
/// </summary>
internal sealed class ComparisonExporter(string resultsDirectory, string command, string jobDescription) : IExporter
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // layer names keep their "->" and "+" readable
    };

    // Forward allocations by (layer number, threads), counted once: both the log and the file render the tables.
    private readonly Dictionary<(int Layer, int Threads), (long Thread, long Process)> _allocations = [];

    public string Name => "conv3d-cpu";

    public void ExportToLog(Summary summary, ILogger logger) => logger.WriteLine(Markdown(summary));

    public IEnumerable<string> ExportToFiles(Summary summary, ILogger consoleLogger)
    {
        Directory.CreateDirectory(resultsDirectory);
        string json = Path.Combine(resultsDirectory, "conv3d-cpu.json");
        string markdown = Path.Combine(resultsDirectory, "conv3d-cpu.md");
        var rows = ComparisonTable.ConvRows(Measurement.From(summary))
            .Select(r => new JsonRow(r.Name, r.Threads, r.Pass, Ms(r.Ours), Ms(r.Torch), Ms(r.Ort)));
        File.WriteAllText(json, JsonSerializer.Serialize(rows, JsonOptions) + "\n");
        File.WriteAllText(markdown, Markdown(summary));
        return [json, markdown];
    }

    private string Markdown(Summary summary)
    {
        var measurements = Measurement.From(summary);
        var conv = ComparisonTable.ConvRows(measurements);
        var machine = MachineDescription.Current();
        var md = new StringBuilder();
        md.AppendLine("# Conv3d on the CPU: NativeDance next to libtorch and ONNX Runtime").AppendLine();
        md.AppendLine($"- CPU: {machine.Cpu}, {machine.LogicalCores} logical cores; {machine.Os}");
        md.AppendLine($"- {machine.DotNet}; libtorch {machine.LibTorch} (TorchSharp-cpu); ONNX Runtime {machine.OnnxRuntime}");
        md.AppendLine($"- Measured {machine.MeasuredUtc:yyyy-MM-dd HH:mm} UTC with `{command}`");
        md.AppendLine($"- BenchmarkDotNet, in process, {jobDescription}; times are medians in ms. N = 1, fp32, bias on.");
        md.AppendLine("- GFLOP/s = 2 * Cout * Cin/groups * kT*kH*kW * To*Ho*Wo / time (twice that for backward: input and weight gradients).");
        md.AppendLine("- \"x libtorch\" and \"x ORT\" are speed-ups: the peer's time over ours (above 1: ours is faster).");
        md.AppendLine("- \"ours allocated\": managed bytes per forward call into a preallocated output, counted after the run on the calling " +
            "thread / in the whole process (BenchmarkDotNet's MemoryDiagnoser counts the process during timed iterations, the " +
            "runtime's background compilation included; its figures are in its logs).").AppendLine();

        md.AppendLine("## Forward").AppendLine();
        md.AppendLine("| layer | threads | ours ms | libtorch ms | ORT ms | ours GFLOP/s | libtorch GFLOP/s | ORT GFLOP/s | x libtorch | x ORT | ours allocated (thread / process) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in conv.Where(r => r.Pass == "fwd"))
            md.AppendLine($"| {r.Name} | {r.Threads} | {F(Ms(r.Ours))} | {F(Ms(r.Torch))} | {F(Ms(r.Ort))} | {Gflops(r, r.Ours)} | {Gflops(r, r.Torch)} | {Gflops(r, r.Ort)} | {Speedup(r.Ours, r.Torch)} | {Speedup(r.Ours, r.Ort)} | {Allocated(r)} |");

        md.AppendLine().AppendLine("## Backward (input, weight and bias gradients)").AppendLine();
        md.AppendLine("| layer | threads | ours ms | libtorch ms | ours GFLOP/s | libtorch GFLOP/s | x libtorch |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in conv.Where(r => r.Pass == "bwd"))
            md.AppendLine($"| {r.Name} | {r.Threads} | {F(Ms(r.Ours))} | {F(Ms(r.Torch))} | {Gflops(r, r.Ours)} | {Gflops(r, r.Torch)} | {Speedup(r.Ours, r.Torch)} |");

        md.AppendLine().AppendLine("## GEMM").AppendLine();
        md.AppendLine("| product | threads | ours ms | libtorch ms | ours GFLOP/s | libtorch GFLOP/s | x libtorch |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in ComparisonTable.GemmRows(measurements))
            md.AppendLine($"| {r.Name} | {r.Threads} | {F(Ms(r.Ours))} | {F(Ms(r.Torch))} | {Gflops(r, r.Ours)} | {Gflops(r, r.Torch)} | {Speedup(r.Ours, r.Torch)} |");
        return md.ToString();
    }

    private static double? Ms(Measurement? m) => m is null ? null : Math.Round(m.MedianMs, 4);

    private static string F(double? ms) => ms is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private static string Gflops(ComparisonRow row, Measurement? m) =>
        m is null ? "-" : (row.Flops / (m.MedianMs * 1e6)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Speedup(Measurement? ours, Measurement? peer) =>
        ours is null || peer is null ? "-" : (peer.MedianMs / ours.MedianMs).ToString("0.00", CultureInfo.InvariantCulture);

    private string Allocated(ComparisonRow row)
    {
        if (row.Ours is null) return "-";
        if (!_allocations.TryGetValue((row.Order, row.Threads), out var bytes))
            _allocations[(row.Order, row.Threads)] = bytes = ForwardAllocationCheck.PerCall(BenchLayers.All.Single(l => l.Number == row.Order), row.Threads);
        return $"{bytes.Thread} / {bytes.Process} B";
    }

    private sealed record JsonRow(string Layer, int Threads, string Pass, double? OursMs, double? LibtorchMs, double? OrtMs);
}
