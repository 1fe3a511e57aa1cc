using System.Globalization;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;

namespace NativeDance.Pruning.Dance;

/// <summary>
/// A trained DANCE controller on disk: its weights and feature normalisation (safetensors) and, in the metadata, the
/// architecture and gate count it drives, its input width and the calibrated scale, so loading it for another model
/// fails with a message instead of silently mis-gating.
/// </summary>
public static class ControllerCheckpoint
{
    /// <summary>Writes <paramref name="controller"/> for <paramref name="architecture"/> with its calibration scale (atomic).</summary>
    public static void Save(AapController controller, string path, string architecture, float scale, float? budget = null)
    {
        if (!(scale > 0)) throw new ArgumentException($"The calibration scale must be positive, got {scale}.", nameof(scale));
        var metadata = new Dictionary<string, string>
        {
            ["kind"] = "dance-controller",
            ["arch"] = architecture,
            ["gates"] = controller.Gates.ToString(CultureInfo.InvariantCulture),
            ["features"] = controller.Features.ToString(CultureInfo.InvariantCulture),
            ["scale"] = scale.ToString(CultureInfo.InvariantCulture),
        };
        if (budget is { } b) metadata["budget"] = b.ToString(CultureInfo.InvariantCulture);
        ModelCheckpoint.Save(controller, path, metadata);
    }

    /// <summary>Loads the controller for <paramref name="network"/> (of <paramref name="architecture"/>) and its scale.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The file is not a controller, or was trained for another architecture or gate count.</exception>
    /// <exception cref="NativeDance.Tensors.Serialization.CheckpointFormatException">The file is malformed or its tensors do not fit.</exception>
    public static (AapController Controller, float Scale) Load(string path, string architecture, IGatedNetwork network)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Controller checkpoint not found: {path}", path);
        var meta = ModelCheckpoint.ReadMetadata(path);
        string Need(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new ArgumentException($"{path} is not a DANCE controller checkpoint (no '{key}' in its metadata); write one with dance aap or dance demo.");
        if (Need("kind") != "dance-controller") throw new ArgumentException($"{path} holds a '{meta["kind"]}', not a DANCE controller.");
        string arch = Need("arch");
        int gates = Int(Need("gates"), "gates", path);
        if (!string.Equals(arch, architecture, StringComparison.OrdinalIgnoreCase) || gates != network.Gates.Count)
            throw new ArgumentException($"{path} drives {gates} gates of a {arch}, but the model is a {architecture} with {network.Gates.Count} gates.");
        float scale = float.TryParse(Need("scale"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s
            : throw new ArgumentException($"{path}: the calibration scale '{meta["scale"]}' is not a positive number.");
        var controller = new AapController(Int(Need("features"), "features", path), gates);
        ModelCheckpoint.Load(controller, path);
        return (controller, scale);
    }

    private static int Int(string text, string key, string path) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
            : throw new ArgumentException($"{path}: '{key}' = '{text}' is not a positive integer.");
}
