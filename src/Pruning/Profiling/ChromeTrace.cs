using System.Text.Json;
using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Profiling;

/// <summary>
/// Writes a profile as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing open. Every
/// plan is a process (pid 1 dense, 2 gated) with three threads: <c>clips</c> (one slice per run, its wall time),
/// <c>steps</c> (one slice per step, laid end to end from the run's start in the order they ran) and <c>kernels</c>
/// (per conv: a gated conv's masks and the conv kernel it chose, a dense conv's kernel). Slices carry the run's
/// counters as args (MACs, bytes, GFLOP/s, GB/s, keep ratios); a counter track per plan follows the achieved GFLOP/s.
/// Times are microseconds since the profile began. Written with <see cref="Utf8JsonWriter"/>: no reflection, AOT-safe.
/// </summary>
public static class ChromeTrace
{
    private const int ClipThread = 1, StepThread = 2, KernelThread = 3;

    /// <summary>Writes <paramref name="profile"/> to <paramref name="stream"/>; <paramref name="metadata"/> goes to <c>otherData</c>.</summary>
    public static void Write(Stream stream, ModelProfile profile, ProfileRoofs roofs, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(roofs);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartObject("otherData");
        json.WriteString("roofs", roofs.Description);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteStartArray("traceEvents");
        int pid = 0;
        foreach (var runs in profile.Plans) WritePlan(json, runs, ++pid, roofs, profile.Clips);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WritePlan(Utf8JsonWriter json, PlanRuns runs, int pid, ProfileRoofs roofs, int clips)
    {
        Metadata(json, pid, 0, "process_name", $"{runs.Name} ({runs.Device})");
        Metadata(json, pid, 0, "process_sort_index", pid);
        Metadata(json, pid, ClipThread, "thread_name", "clips");
        Metadata(json, pid, StepThread, "thread_name", "steps");
        Metadata(json, pid, KernelThread, "thread_name", "kernels");
        for (int r = 0; r < runs.Count; r++)
        {
            double start = runs.StartMicroseconds(r);
            var work = runs.Work(r);
            Slice(json, pid, ClipThread, $"clip {r % clips}", "clip", start, start + runs.ClipSeconds(r) * 1e6);
            json.WriteNumber("clip", r % clips);
            json.WriteNumber("repeat", r / clips);
            json.WriteNumber("R(x)", runs.MaskedMacRatio(r));
            json.WriteNumber("predicted class", runs.Prediction(r));
            EndSlice(json);
            double t = start;
            for (int s = 0; s < runs.StepNames.Count; s++)
            {
                double us = runs.StepSeconds(r)[s] * 1e6;
                int layer = runs.StepLayers[s];
                int gate = layer < 0 ? -1 : runs.Layers[layer].Gate;
                double maskUs = gate < 0 ? 0 : Math.Min(us, runs.MaskSeconds(r)[gate] * 1e6);
                double gflops = layer >= 0 ? 2.0 * work[layer].Macs / (us - maskUs) / 1e3
                    : s == runs.ControllerStep ? 2.0 * runs.ControllerMacs / us / 1e3 : 0;
                Counter(json, pid, t, gflops);
                Slice(json, pid, StepThread, runs.StepNames[s], layer >= 0 ? "conv" : s == runs.ControllerStep ? "controller" : "pass", t, t + us);
                if (layer >= 0) ConvArgs(json, runs.Layers[layer].Name, work[layer], gflops, us - maskUs, roofs);
                else if (s == runs.ControllerStep) ControllerArgs(json, runs.ControllerMacs, gflops, roofs);
                if (gate >= 0) GateArgs(json, runs.Gates(r)[gate], maskUs);
                EndSlice(json);
                if (layer >= 0)
                {
                    string name = runs.Layers[layer].Name;
                    if (gate >= 0)
                    {
                        Slice(json, pid, KernelThread, $"{name} masks", "masks", t, t + maskUs);
                        EndSlice(json);
                    }
                    string kernel = gate < 0 ? "conv3d" : ProfileSummary.KernelName(runs.Gates(r)[gate].Path);
                    Slice(json, pid, KernelThread, $"{name} {kernel}", "kernel", t + maskUs, t + us);
                    ConvArgs(json, name, work[layer], gflops, us - maskUs, roofs);
                    EndSlice(json);
                }
                t += us;
            }
        }
        Counter(json, pid, runs.StartMicroseconds(runs.Count - 1) + runs.ClipSeconds(runs.Count - 1) * 1e6, 0);
    }

    private static void ConvArgs(Utf8JsonWriter json, string layer, ConvWorkCounters work, double gflops, double us, ProfileRoofs roofs)
    {
        double gbs = work.TotalBytes / us / 1e3;
        json.WriteString("layer", layer);
        json.WriteNumber("MACs", work.Macs);
        json.WriteNumber("bytes", work.TotalBytes);
        json.WriteNumber("GFLOP/s", Math.Round(gflops, 3));
        json.WriteNumber("% of peak GFLOP/s", Math.Round(100 * gflops / roofs.Gflops, 2));
        json.WriteNumber("GB/s", Math.Round(gbs, 3));
        json.WriteNumber("% of peak GB/s", Math.Round(100 * gbs / roofs.GBs, 2));
    }

    private static void ControllerArgs(Utf8JsonWriter json, long macs, double gflops, ProfileRoofs roofs)
    {
        json.WriteNumber("MACs", macs);
        json.WriteNumber("GFLOP/s", Math.Round(gflops, 3));
        json.WriteNumber("% of peak GFLOP/s", Math.Round(100 * gflops / roofs.Gflops, 2));
    }

    private static void GateArgs(Utf8JsonWriter json, Inference.GateCounts gate, double maskUs)
    {
        json.WriteNumber("mask us", Math.Round(maskUs, 3));
        json.WriteNumber("frame keep", gate.FrameKeep);
        json.WriteNumber("channel keep", gate.ChannelKeep);
        json.WriteNumber("feature keep", gate.FeatureKeep);
    }

    /// <summary>
    /// Opens a complete ("X") event from <paramref name="start"/> to <paramref name="end"/> and its args object;
    /// <see cref="EndSlice"/> closes both. Both ends are rounded to nanoseconds, so slices laid end to end stay so.
    /// </summary>
    private static void Slice(Utf8JsonWriter json, int pid, int tid, string name, string category, double start, double end)
    {
        double ts = Math.Round(start, 3);
        json.WriteStartObject();
        json.WriteString("ph", "X");
        json.WriteNumber("pid", pid);
        json.WriteNumber("tid", tid);
        json.WriteString("name", name);
        json.WriteString("cat", category);
        json.WriteNumber("ts", ts);
        json.WriteNumber("dur", Math.Max(0, Math.Round(Math.Round(end, 3) - ts, 3)));
        json.WriteStartObject("args");
    }

    private static void EndSlice(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Counter(Utf8JsonWriter json, int pid, double ts, double gflops)
    {
        json.WriteStartObject();
        json.WriteString("ph", "C");
        json.WriteNumber("pid", pid);
        json.WriteString("name", "GFLOP/s");
        json.WriteNumber("ts", Math.Round(ts, 3));
        json.WriteStartObject("args");
        json.WriteNumber("GFLOP/s", Math.Round(gflops, 3));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Metadata(Utf8JsonWriter json, int pid, int tid, string name, string value)
    {
        MetadataStart(json, pid, tid, name);
        json.WriteString("name", value);
        EndSlice(json);
    }

    private static void Metadata(Utf8JsonWriter json, int pid, int tid, string name, int value)
    {
        MetadataStart(json, pid, tid, name);
        json.WriteNumber("sort_index", value);
        EndSlice(json);
    }

    private static void MetadataStart(Utf8JsonWriter json, int pid, int tid, string name)
    {
        json.WriteStartObject();
        json.WriteString("ph", "M");
        json.WriteNumber("pid", pid);
        json.WriteNumber("tid", tid);
        json.WriteString("name", name);
        json.WriteStartObject("args");
    }
}
