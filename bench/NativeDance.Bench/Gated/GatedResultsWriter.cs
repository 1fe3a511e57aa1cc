using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using NativeDance.Bench.Reporting;

namespace NativeDance.Bench.Gated;

/// <summary>
/// Writes gated-conv-cpu.json (one object per layer and grid point) and gated-conv-cpu.md (per layer a table of the
/// grid, then issue 4's two targets, and faster-than-dense on the tiny C3D's layers, checked against the measurements).
/// </summary>
internal static class GatedResultsWriter
{
    /// <summary>Issue 4: at 50% frames x 50% channels kept, at least this much faster than our dense conv.</summary>
    public const double StructuredTarget = 3.5;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static IReadOnlyList<string> Write(IReadOnlyList<GatedGridCell> cells, string directory, string command, int repeats)
    {
        Directory.CreateDirectory(directory);
        string json = Path.Combine(directory, "gated-conv-cpu.json");
        string markdown = Path.Combine(directory, "gated-conv-cpu.md");
        var rows = cells.Select(c => new JsonRow(c.Layer, c.Keep.Frames, c.Keep.Channels, c.Keep.Features, c.Path, R(c.MacFraction), R(c.BytesFraction),
            R(c.OursDenseMs), R(c.GatedMs), R(c.CompactedMs), R(c.SparseMs), R(c.LibtorchDenseMs), R(c.SpeedupVsDense), R(c.SpeedupVsLibtorch), R(c.CrossoverDensity)));
        File.WriteAllText(json, JsonSerializer.Serialize(rows, JsonOptions) + "\n");
        File.WriteAllText(markdown, Markdown(cells, command, repeats));
        return [json, markdown];
    }

    public static string Markdown(IReadOnlyList<GatedGridCell> cells, string command, int repeats)
    {
        var machine = MachineDescription.Current();
        var md = new StringBuilder();
        md.AppendLine("# Gated conv3d on the CPU: DANCE's masks next to our dense conv and libtorch's").AppendLine();
        md.AppendLine($"- CPU: {machine.Cpu}, {machine.LogicalCores} logical cores, all used; {machine.Os}");
        md.AppendLine($"- {machine.DotNet}; libtorch {machine.LibTorch} (TorchSharp-cpu); load average {LoadAverage()} before the run");
        md.AppendLine($"- Measured {machine.MeasuredUtc:yyyy-MM-dd HH:mm} UTC with `{command}`");
        md.AppendLine($"- Per grid point: one warm-up, then {repeats} rounds of dense, gated, dense-compacted only, sparse only; medians in ms. N = 1, fp32, bias on.");
        md.AppendLine("- Kept frames evenly spaced, kept channels a seeded random subset, non-zero features at random positions of the input.");
        md.AppendLine("- gated = `GatedConv3d.Forward` with weights prepared once (`GatedConv3dWeights`, as a plan layer holds them; counts the input's density, "
            + "picks the path by the layer's measured crossover); compacted = our masked dense conv; sparse = `SparseInputConv3d.Forward` with the prepared weights; "
            + "dense = our conv of the whole input; MACs and bytes as shares of the dense conv's.");
        foreach (var layer in cells.GroupBy(c => c.Layer))
        {
            var first = layer.First();
            md.AppendLine().AppendLine($"## {layer.Key}").AppendLine();
            md.AppendLine($"Our dense conv {Ms(layer.Average(c => c.OursDenseMs))} ms on average over the grid, libtorch's {Ms(first.LibtorchDenseMs)} ms; measured crossover density {F(first.CrossoverDensity)}.").AppendLine();
            md.AppendLine("| frames | channels | features | path | MACs | bytes | dense ms | gated ms | compacted ms | sparse ms | x dense | x libtorch |");
            md.AppendLine("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var c in layer)
                md.AppendLine($"| {P(c.Keep.Frames)} | {P(c.Keep.Channels)} | {P(c.Keep.Features)} | {c.Path} | {P(c.MacFraction)} | {P(c.BytesFraction)} | "
                    + $"{Ms(c.OursDenseMs)} | {Ms(c.GatedMs)} | {Ms(c.CompactedMs)} | {Ms(c.SparseMs)} | {F(c.SpeedupVsDense)} | {F(c.SpeedupVsLibtorch)} |");
        }
        md.AppendLine().AppendLine("## Issue 4's targets").AppendLine();
        foreach (var c in cells.Where(c => !c.Tiny && c.Keep is { Frames: 0.5, Channels: 0.5, Features: 1 }))
            md.AppendLine($"- {c.Layer}, 50% frames x 50% channels: {F(c.SpeedupVsDense)}x our dense conv (target >= {StructuredTarget}x): {(c.SpeedupVsDense >= StructuredTarget ? "met" : "missed")}");
        foreach (var c in cells.Where(c => !c.Tiny && c.Keep is { Frames: 1, Channels: 1, Features: 0.3 }))
            md.AppendLine($"- {c.Layer}, 30% features: {F(c.SpeedupVsDense)}x our dense conv (target > 1x): {(c.SpeedupVsDense > 1 ? "met" : "missed")}");
        foreach (var c in cells.Where(c => c.Tiny && c.Keep is { Frames: 1, Channels: 1, Features: >= 0.25 and <= 0.55 }))
            md.AppendLine($"- {c.Layer}, {P(c.Keep.Features)} features: {F(c.SpeedupVsDense)}x our dense conv (demo layer, target > 1x): {(c.SpeedupVsDense > 1 ? "met" : "missed")}");
        return md.ToString();
    }

    /// <summary>The 1-minute load average where the OS reports it: other work on the machine skews every column alike.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static double R(double value) => Math.Round(value, 4);

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString(value < 10 ? "0.000" : "0.00", CultureInfo.InvariantCulture);

    private static string P(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    private sealed record JsonRow(string Layer, double FramesKept, double ChannelsKept, double FeaturesKept, Tensors.Conv.GatedConvPath Path,
        double MacFraction, double BytesFraction, double OursDenseMs, double GatedMs, double CompactedMs, double SparseMs,
        double LibtorchDenseMs, double SpeedupVsDense, double SpeedupVsLibtorch, double CrossoverDensity);
}
