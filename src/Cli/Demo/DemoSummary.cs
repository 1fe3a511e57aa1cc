using System.Text.Json;
using NativeDance.Pruning.Methods;
using NativeDance.Pruning.Reports;

namespace NativeDance.Cli.Demo;

/// <summary>
/// Writes <c>summary.json</c>: the headline figures under fixed snake_case keys (dense_acc, dance_acc, mac_reduction,
/// bytes_reduction, cpu_speedup, baselines, wall_s) plus the ablations, latency, per-gate keep ratios and stage times.
/// MAC ratios are R(x) of METHOD.md; dense_zero_skipping_mac_ratio is the unpruned model's R(x) (its ReLU zeros free).
/// Written with Utf8JsonWriter, so it needs no reflection (Native AOT safe). Unmeasured figures are null.
/// </summary>
internal static class DemoSummary
{
    public static void Write(DemoResults r, string path) => AtomicFile.Write(path, stream =>
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("model", r.Model);
        json.WriteString("dataset", r.Dataset);
        json.WriteString("clip", r.Clip.ToString());
        json.WriteNumber("threads", r.Threads);
        json.WriteNumber("dense_acc", r.DenseAccuracy);
        json.WriteNumber("ava_acc", r.AvaAccuracy);
        Number(json, "dance_acc", r.Dance?.Accuracy);
        Number(json, "dance_mac_ratio", r.Dance?.MacRatio);
        Number(json, "mac_reduction", r.Dance is null ? null : 1 - r.Dance.MacRatio);
        Number(json, "bytes_reduction", r.Latency is null ? null : 1 - r.Latency.MaskedBytesRatio);
        Number(json, "kernel_bytes_ratio", r.Latency?.KernelBytesRatio);
        Number(json, "cpu_speedup", r.Latency?.Speedup);
        Number(json, "dense_ms", r.Latency?.DenseMs);
        Number(json, "gated_ms", r.Latency?.GatedMs);
        Number(json, "dense_zero_skipping_mac_ratio", r.Methods.FirstOrDefault(m => m.Kind == MethodKind.Dense)?.MacRatio);
        json.WriteNumber("calibration_scale", r.Scale);
        Methods(json, "baselines", r.Methods.Where(m => m.Kind == MethodKind.Baseline));
        Methods(json, "ablations", r.Methods.Where(m => m.Kind == MethodKind.Ablation));
        json.WriteStartArray("gates");
        foreach (var g in r.DanceTest?.Gates ?? [])
        {
            json.WriteStartObject();
            json.WriteString("conv", r.GateNames[g.Gate]);
            json.WriteNumber("frames_kept", g.Frames);
            json.WriteNumber("channels_kept", g.Channels);
            json.WriteNumber("features_kept", g.Features);
            json.WriteNumber("mac_ratio", g.Macs);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("stages");
        foreach (var (name, seconds) in r.Stages)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteNumber("seconds", Math.Round(seconds, 2));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("wall_s", Math.Round(r.WallSeconds, 1));
        json.WriteEndObject();
    });

    private static void Methods(Utf8JsonWriter json, string name, IEnumerable<MethodResult> methods)
    {
        json.WriteStartArray(name);
        foreach (var m in methods)
        {
            json.WriteStartObject();
            json.WriteString("name", m.Name);
            json.WriteNumber("acc", m.Accuracy);
            json.WriteNumber("mac_ratio", m.MacRatio);
            Number(json, "bytes_ratio", m.BytesRatio);
            if (m.Note is not null) json.WriteString("note", m.Note);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }
}
