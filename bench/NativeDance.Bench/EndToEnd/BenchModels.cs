using System.Globalization;
using NativeDance.Data;
using NativeDance.Data.Procedural;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;

namespace NativeDance.Bench.EndToEnd;

/// <summary>
/// One compared model: the network (eval mode), its clip size, the controller and scale its gated plan runs with,
/// procedural test clips (channels-last, one after another), and how the gating was obtained.
/// </summary>
internal sealed record BenchModel(string Name, Module Network, ModelSpec Spec, AapController Controller, float Scale, float[] Clips, string Gating)
{
    /// <summary>Values per clip.</summary>
    public int ClipLength => Spec.Frames * Spec.Size * Spec.Size * 3;

    /// <summary>Distinct clips.</summary>
    public int ClipCount => Clips.Length / ClipLength;
}

/// <summary>
/// The compared models. The tiny C3D is the demo's: its AVA-trained weights and its trained controller at the
/// calibrated scale, on the demo's clip size. C3D and R3D-18 (16x112x112, random weights, 101 classes) have no trained
/// controller; they are gated by <see cref="KeepRatioGating"/> at the demo's per-gate keep ratios, gate i of n taking
/// those of the demo's gate i * 3 / n (the same relative depth).
/// </summary>
internal static class BenchModels
{
    private const int LargeClasses = 101, LargeFrames = 16, LargeSize = 112;
    private const int TinyClips = 16, LargeClips = 3, CalibrationClips = 1;

    /// <summary>The demo's tiny C3D with its controller.</summary>
    /// <exception cref="FileNotFoundException">The demo's checkpoints are missing; the message says how to make them.</exception>
    public static BenchModel Demo(string directory)
    {
        string modelPath = Path.Combine(directory, "ava", "model.safetensors");
        string controllerPath = Path.Combine(directory, "aap", "controller.safetensors");
        foreach (string path in new[] { modelPath, controllerPath })
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path} not found: run `dance demo --out {directory}` first (or pass --demo DIR of a demo run).", path);
        }
        var meta = ModelCheckpoint.ReadMetadata(modelPath);
        string Need(string key) => meta.TryGetValue(key, out var v) ? v : throw new ArgumentException($"{modelPath} does not record '{key}'; was it written by dance demo?");
        int Int(string key) => int.Parse(Need(key), CultureInfo.InvariantCulture);
        var spec = new ModelSpec(Need("arch"), Int("classes"), float.Parse(Need("width"), CultureInfo.InvariantCulture), Int("frames"), Int("size"));
        var model = ModelZoo.Create(spec);
        ModelCheckpoint.Load(model, modelPath);
        model.Eval();
        var (controller, scale) = ControllerCheckpoint.Load(controllerPath, spec.Architecture, (IGatedNetwork)model);
        return new BenchModel(spec.Architecture, model, spec, controller, scale, Clips(spec, TinyClips),
            $"the demo's trained controller at its calibrated scale {scale.ToString("F2", CultureInfo.InvariantCulture)}");
    }

    /// <summary>The demo's mean keep ratios per gate on its clips.</summary>
    public static IReadOnlyList<GateKeep> KeepRatios(BenchModel demo)
    {
        using var plan = InferencePlan.Compile(demo.Network, demo.Spec.Frames, demo.Spec.Size, demo.Spec.Size, demo.Controller, demo.Scale);
        return GateKeep.Measure(plan, demo.Clips).Gates;
    }

    /// <summary>C3D or R3D-18 with random weights, gated at <paramref name="demoKeeps"/>.</summary>
    public static BenchModel Large(string architecture, IReadOnlyList<GateKeep> demoKeeps, Action<string> log)
    {
        var spec = new ModelSpec(architecture, LargeClasses, Frames: LargeFrames, Size: LargeSize, Seed: 1);
        var model = ModelZoo.Create(spec);
        model.Eval();
        var clips = Clips(spec, LargeClips);
        int gates = ((IGatedNetwork)model).Gates.Count;
        var targets = Enumerable.Range(0, gates).Select(g => demoKeeps[g * demoKeeps.Count / gates]).ToList();
        var controller = KeepRatioGating.Calibrate(model, spec, clips.AsSpan(0, CalibrationClips * spec.Frames * spec.Size * spec.Size * 3).ToArray(), targets, log);
        return new BenchModel(architecture, model, spec, controller, 1f, clips,
            $"a constant-multiplier controller calibrated on {CalibrationClips} clip to the demo's keep ratios (gate i of {gates} takes the demo's gate i * {demoKeeps.Count} / {gates})");
    }

    private static float[] Clips(ModelSpec spec, int count)
    {
        var dataset = new ProceduralVideoDataset(DatasetSplit.Test, count, new ClipSpec(spec.Frames, spec.Size, spec.Size, 3), seed: 5);
        int length = dataset.Spec.ElementCount;
        var clips = new float[count * length];
        for (int i = 0; i < count; i++) dataset.ReadClip(i, clips.AsSpan(i * length, length));
        return clips;
    }
}
