using NativeDance.Models.Modules;
using NativeDance.Tensors;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Models.Checkpoints;

/// <summary>
/// Saves and loads a module's state dictionary as safetensors with PyTorch's names and layouts: conv weights are
/// written as [Cout, Cin/groups, kT, kH, kW] and counters as int64, so a state dict saved from PyTorch (torchvision
/// names) loads as it is and ours loads in PyTorch. Writes are atomic.
/// </summary>
/// <example><code>ModelCheckpoint.Save(model, "r3d.safetensors", new Dictionary&lt;string, string&gt; { ["arch"] = "r3d-18" });
/// ModelCheckpoint.Load(model, "r3d.safetensors");</code></example>
public static class ModelCheckpoint
{
    /// <summary>Writes every parameter and buffer of <paramref name="model"/> to <paramref name="path"/>.</summary>
    public static void Save(Module model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var owned = new List<Tensor>();
        try
        {
            var entries = new List<SafeTensorEntry>();
            foreach (var p in model.NamedParameters())
            {
                var value = p.Layout == TorchLayout.ConvWeight ? Keep(owned, p.Parameter.Value.ConvWeightToTorch()) : p.Parameter.Value;
                entries.Add(SafeTensorEntry.Float32(p.Name, value));
            }
            foreach (var b in model.NamedBuffers())
            {
                entries.Add(b.IsCounter
                    ? SafeTensorEntry.Int64(b.Name, b.Buffer.Shape, b.Buffer.ToArray().Select(v => (long)v).ToArray())
                    : SafeTensorEntry.Float32(b.Name, b.Buffer));
            }
            SafeTensorsWriter.Write(path, entries, metadata);
        }
        finally
        {
            foreach (var t in owned) t.Dispose();
        }
    }

    /// <summary>
    /// Reads the metadata of a checkpoint without loading tensors (e.g. to learn which architecture it holds).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var file = SafeTensorsReader.Open(path);
        return new Dictionary<string, string>(file.Metadata);
    }

    /// <summary>
    /// Loads every parameter and buffer of <paramref name="model"/> from <paramref name="path"/>. All names and shapes
    /// are checked before anything is copied, so a mismatching file leaves the model unchanged.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is malformed, lacks a tensor, has a tensor of the wrong shape, or has
    /// tensors the model does not know (when <paramref name="strict"/>); the message names them.</exception>
    public static void Load(Module model, string path, bool strict = true)
    {
        using var file = SafeTensorsReader.Open(path);
        var targets = new List<(string Name, Tensor Destination, bool TorchConv)>();
        foreach (var p in model.NamedParameters()) targets.Add((p.Name, p.Parameter.Value, p.Layout == TorchLayout.ConvWeight));
        foreach (var b in model.NamedBuffers()) targets.Add((b.Name, b.Buffer, false));

        var problems = new List<string>();
        foreach (var (name, destination, torchConv) in targets)
        {
            if (!file.Contains(name))
            {
                problems.Add($"missing '{name}'");
                continue;
            }
            var expected = torchConv ? TorchConvShape(destination.Shape) : destination.Shape;
            var stored = file.Info(name).Shape;
            if (stored != expected) problems.Add($"'{name}' has shape {stored}, the model needs {expected}");
        }
        if (strict)
        {
            var known = targets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var unexpected = file.Tensors.Where(t => !known.Contains(t.Name)).Select(t => t.Name).Take(5).ToList();
            if (unexpected.Count > 0) problems.Add($"unexpected tensors {string.Join(", ", unexpected.Select(n => $"'{n}'"))}");
        }
        if (problems.Count > 0)
        {
            string arch = file.Metadata.TryGetValue("arch", out var a) ? $" (checkpoint of '{a}')" : "";
            throw new CheckpointFormatException(path, $"does not match the model{arch}: {string.Join("; ", problems.Take(8))}{(problems.Count > 8 ? $"; and {problems.Count - 8} more" : "")}");
        }
        foreach (var (name, destination, torchConv) in targets)
        {
            using var stored = file.ReadTensor(name);
            using var converted = torchConv ? stored.ConvWeightFromTorch() : stored.Contiguous();
            converted.Span.CopyTo(destination.Span);
        }
    }

    private static Shape TorchConvShape(Shape ours) => new(ours[4], ours[3], ours[0], ours[1], ours[2]);

    private static Tensor Keep(List<Tensor> owned, Tensor t)
    {
        owned.Add(t);
        return t;
    }
}
