using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using NativeDance.Autograd;
using NativeDance.Cuda;
using NativeDance.Cuda.Inference;
using NativeDance.Cuda.Kernels;
using NativeDance.Cuda.Kernels.Conv;
using NativeDance.Cuda.Nvml;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Cli.Benchmarks;

/// <summary>
/// Our side of scripts/gpu-check.sh's benchmark, timed with CUDA events on the stream: every conv of
/// <see cref="Conv3dLayerCatalog"/> dense at N = 1 and N = 8 and masked at 50% x 50% and 75% x 75% kept frames x channels
/// (N = 1, evenly spread kept lists, a dense random input so no tile is skipped), then R3D-18 and C3D end to end
/// (<see cref="CudaInferencePlan"/>, one clip per run, copies included) dense and gated, with NVML's energy per clip.
/// Writes JSON rows that carry each problem (geometry, kept lists, model sizes) so the PyTorch script times the same.
/// </summary>
internal sealed class GpuBenchmark(CudaDevice device, NvmlDevice? nvml, int rounds, TimeSpan modelSpan, TextWriter log)
{
    private const int Classes = 101;
    private const int Frames = 16;

    public void Layers(Utf8JsonWriter json)
    {
        foreach (var layer in Conv3dLayerCatalog.All)
        {
            foreach (int batch in new[] { 1, 8 })
            {
                var g = layer.Geometry;
                var batched = Conv3dGeometry.Create(batch, g.InChannels, g.Input, g.OutChannels, g.Kernel, g.Stride, g.Padding, g.Dilation);
                Row(json, layer.Name, batched, null, null, TimeConv(batched, null, null));
            }
            foreach (double keep in new[] { 0.5, 0.75 })
            {
                int[] frames = Spread(layer.Geometry.Input.T, keep), channels = Spread(layer.Geometry.InChannels, keep);
                Row(json, layer.Name, layer.Geometry, frames, channels, TimeConv(layer.Geometry, frames, channels));
            }
        }
    }

    public void Models(Utf8JsonWriter json, int size)
    {
        foreach (string architecture in new[] { "r3d-18", "c3d" })
        {
            var model = ModelZoo.Create(new ModelSpec(architecture, Classes, 1f, Frames, size, Seed: 1));
            model.Eval();
            using var clip = Tensor.RandomNormal(new Shape(1, Frames, size, size, 3), seed: 2);
            foreach (var controller in new[] { null, Controller(model, size) })
            {
                using var plan = CudaInferencePlan.Compile(model, Frames, size, size, controller, device: device);
                var (ms, joules) = TimeModel(plan, clip.Span);
                var gates = plan.Counters.Gates.ToArray();
                double frameKeep = gates.Length == 0 ? 1 : gates.Average(c => c.FrameKeep), channelKeep = gates.Length == 0 ? 1 : gates.Average(c => c.ChannelKeep);
                log.WriteLine($"{architecture,-8} {size}px {(plan.IsGated ? "gated" : "dense"),-6} ours {ms,8:F3} ms  {joules,8:F3} J/clip  "
                    + $"frames {frameKeep:P0} channels {channelKeep:P0} MACs {plan.Counters.ExecutedMacRatio:P0}");
                json.WriteStartObject();
                json.WriteString("model", architecture);
                json.WriteNumber("batch", 1);
                json.WriteString("variant", plan.IsGated ? "gated" : "dense");
                json.WriteNumber("frames", Frames);
                json.WriteNumber("size", size);
                json.WriteNumber("classes", Classes);
                json.WriteNumber("ours_ms", ms);
                if (double.IsNaN(joules)) json.WriteNull("energy_j_per_clip");
                else json.WriteNumber("energy_j_per_clip", joules);
                json.WriteNumber("frame_keep", frameKeep);
                json.WriteNumber("channel_keep", channelKeep);
                json.WriteNumber("executed_mac_ratio", plan.Counters.ExecutedMacRatio);
                json.WriteEndObject();
            }
        }
    }

    /// <summary>Milliseconds per launch of the conv (dense, or masked with the kept lists), averaged over the timed rounds.</summary>
    private double TimeConv(in Conv3dGeometry g, int[]? keptFrames, int[]? keptChannels)
    {
        using var memory = new StreamKernelDevice(device, ownsDevice: false);
        bool masked = keptFrames is not null;
        var plan = Conv3dLaunchPlan.Choose(g, device.MultiprocessorCount, masked);
        ulong input = Random(memory, g.InputLength, 1), weight = Random(memory, g.WeightLength, 2), bias = Random(memory, g.OutChannels, 3);
        ulong output = memory.Allocate((long)g.OutputLength * sizeof(float));
        ulong workspace = plan.Splits > 1 ? memory.Allocate(plan.WorkspaceBytes) : 0;
        Action launch;
        if (masked)
        {
            var mask = new Conv3dDeviceMask(Upload<int>(memory, keptFrames), Upload<int>(memory, [keptFrames!.Length]),
                Upload<int>(memory, keptChannels), Upload<int>(memory, [keptChannels!.Length]));
            var args = new KernelLaunch<Conv3dMaskedArgs>(plan.Module, plan.Entry, plan.Conv, plan.MaskedArgs(input, weight, bias, output, workspace, mask, 0, false));
            launch = () => memory.Launch(args);
        }
        else
        {
            var args = new KernelLaunch<Conv3dForwardArgs>(plan.Module, plan.Entry, plan.Conv, plan.ForwardArgs(input, weight, bias, output, workspace, false));
            launch = () => memory.Launch(args);
        }
        var reduce = plan.Splits > 1
            ? new KernelLaunch<Conv3dSplitKReduceArgs>(Conv3dLaunchPlan.ReduceModule, Conv3dLaunchPlan.ReduceEntry, plan.Reduce, plan.ReduceArgs(workspace, bias, output, false))
            : (KernelLaunch<Conv3dSplitKReduceArgs>?)null;
        void Once()
        {
            launch();
            if (reduce is { } r) memory.Launch(r);
        }
        for (int i = 0; i < 3; i++) Once();
        using var start = device.CreateEvent();
        using var end = device.CreateEvent();
        start.Record(memory.Stream);
        for (int i = 0; i < rounds; i++) Once();
        end.Record(memory.Stream);
        end.Synchronize();
        return end.ElapsedMillisecondsSince(start) / rounds;
    }

    /// <summary>Milliseconds per clip between events around back-to-back runs, and joules per clip over the same runs.</summary>
    private (double Ms, double Joules) TimeModel(CudaInferencePlan plan, ReadOnlySpan<float> clip)
    {
        var logits = new float[plan.Classes];
        for (int i = 0; i < 3; i++) plan.Run(clip, logits);
        var stream = ((StreamKernelDevice)plan.KernelDevice).Stream;
        var meter = nvml is null ? null : new GpuEnergyMeter(nvml);
        using var start = device.CreateEvent();
        using var end = device.CreateEvent();
        meter?.Start();
        start.Record(stream);
        var clock = Stopwatch.StartNew();
        int clips = 0;
        while (clips < rounds || clock.Elapsed < modelSpan)
        {
            plan.Run(clip, logits);
            clips++;
        }
        end.Record(stream);
        end.Synchronize();
        double joules = meter?.Stop() ?? double.NaN;
        return (end.ElapsedMillisecondsSince(start) / clips, joules / clips);
    }

    /// <summary>A controller on the model's A_1 of random clips: normalisation fitted, multipliers around 1 (keeps about half).</summary>
    private static AapController Controller(Module model, int size)
    {
        var gated = (IGatedNetwork)model;
        using var clips = Tensor.RandomNormal(new Shape(2, Frames, size, size, 3), seed: 5);
        Tensor features;
        using (GradMode.NoGrad()) features = ControllerFeatures.Compute(gated.ForwardStem(Variable.Constant(clips)).Value);
        var controller = new AapController(features.Shape[1], gated.Gates.Count, initialMultiplier: 1f, seed: 7);
        controller.FitNormalization(features);
        controller.Eval();
        features.Dispose();
        return controller;
    }

    private void Row(Utf8JsonWriter json, string layer, in Conv3dGeometry g, int[]? frames, int[]? channels, double ms)
    {
        string variant = frames is null ? "dense" : $"gated {frames.Length}/{g.Input.T}x{channels!.Length}/{g.InChannels}";
        log.WriteLine($"{layer,-18} N={g.Batch} {variant,-16} ours {ms,8:F3} ms");
        json.WriteStartObject();
        json.WriteString("layer", layer);
        json.WriteNumber("batch", g.Batch);
        json.WriteString("variant", variant);
        json.WriteNumber("cin", g.InChannels);
        json.WriteNumber("cout", g.OutChannels);
        Triple(json, "input", g.Input);
        Triple(json, "kernel", g.Kernel);
        Triple(json, "stride", g.Stride);
        Triple(json, "padding", g.Padding);
        if (frames is not null)
        {
            Array(json, "kept_frames", frames);
            Array(json, "kept_channels", channels!);
        }
        json.WriteNumber("ours_ms", ms);
        json.WriteNull("energy_j_per_clip");
        json.WriteEndObject();
    }

    /// <summary>round(keep * count) indices spread evenly over [0, count), at least one.</summary>
    private static int[] Spread(int count, double keep)
    {
        int kept = Math.Max(1, (int)Math.Round(keep * count));
        return [.. Enumerable.Range(0, kept).Select(i => (int)((long)i * count / kept))];
    }

    private static ulong Random(StreamKernelDevice memory, int length, ulong seed)
    {
        using var values = Tensor.RandomNormal(new Shape(length), seed);
        return Upload<float>(memory, values.Span);
    }

    private static ulong Upload<T>(StreamKernelDevice memory, ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        ulong address = memory.Allocate(bytes.Length);
        memory.Write(address, bytes);
        return address;
    }

    private static void Triple(Utf8JsonWriter json, string name, Dims3 d) => Array(json, name, [d.T, d.H, d.W]);

    private static void Array(Utf8JsonWriter json, string name, int[] values)
    {
        json.WriteStartArray(name);
        foreach (int v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }
}
