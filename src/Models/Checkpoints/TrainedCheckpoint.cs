using System.Globalization;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Models.Checkpoints;

/// <summary>A zoo model rebuilt from a checkpoint written by <c>dance train</c>, with what the checkpoint records about it.</summary>
/// <param name="Model">The model with its trained weights.</param>
/// <param name="Spec">Architecture, classes, width and the clip size it was trained on.</param>
/// <param name="Dataset">The dataset it was trained on.</param>
/// <param name="ClassNames">The names of its classes, in label order; null for checkpoints that do not record them.</param>
public sealed record TrainedModel(Module Model, ModelSpec Spec, string Dataset, IReadOnlyList<string>? ClassNames);

/// <summary>
/// What a model checkpoint records about the run that made it (architecture, classes and their names, width, clip size,
/// dataset), so that evaluation and embedding can rebuild the model from the file alone.
/// </summary>
/// <example><code>var metadata = TrainedCheckpoint.Describe(spec, "procedural", train.ClassNames);
/// var trained = TrainedCheckpoint.Load("runs/train/model.safetensors");</code></example>
public static class TrainedCheckpoint
{
    // Class names are joined by line breaks: safetensors metadata holds strings only, and no dataset's names span lines.
    private const char NameSeparator = '\n';

    /// <summary>The metadata to save with a model of <paramref name="spec"/> trained on <paramref name="dataset"/>.</summary>
    /// <exception cref="ArgumentException">The class-name count differs from the spec's classes, or a name holds a line break.</exception>
    public static Dictionary<string, string> Describe(ModelSpec spec, string dataset, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != spec.Classes)
            throw new ArgumentException($"The model has {spec.Classes} classes but {classNames.Count} class names were given.", nameof(classNames));
        if (classNames.FirstOrDefault(n => n.Contains(NameSeparator)) is { } bad)
            throw new ArgumentException($"Class name '{bad}' holds a line break.", nameof(classNames));
        return new()
        {
            ["arch"] = spec.Architecture,
            ["classes"] = spec.Classes.ToString(CultureInfo.InvariantCulture),
            ["width"] = spec.Width.ToString(CultureInfo.InvariantCulture),
            ["frames"] = spec.Frames.ToString(CultureInfo.InvariantCulture),
            ["size"] = spec.Size.ToString(CultureInfo.InvariantCulture),
            ["dataset"] = dataset,
            ["class_names"] = string.Join(NameSeparator, classNames),
        };
    }

    /// <summary>Rebuilds the model recorded in <paramref name="path"/> and loads its weights.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a safetensors checkpoint, does not record the model (it was
    /// not written by dance train), records an unknown architecture, or its tensors do not fit the recorded model.</exception>
    public static TrainedModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model checkpoint not found: {path}", path);
        var meta = ModelCheckpoint.ReadMetadata(path);
        var spec = ReadSpec(meta, path);
        Module model;
        try
        {
            model = ModelZoo.Create(spec);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException(path, $"records a model that cannot be built: {e.Message}", e);
        }
        ModelCheckpoint.Load(model, path);
        IReadOnlyList<string>? names = meta.TryGetValue("class_names", out var joined) ? joined.Split(NameSeparator) : null;
        if (names is not null && names.Count != spec.Classes)
            throw new CheckpointFormatException(path, $"records {names.Count} class names for {spec.Classes} classes.");
        return new TrainedModel(model, spec, meta.TryGetValue("dataset", out var dataset) ? dataset : "unknown", names);
    }

    /// <summary>The model spec recorded in checkpoint metadata <paramref name="meta"/> of <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">A field is missing or not a valid number.</exception>
    public static ModelSpec ReadSpec(IReadOnlyDictionary<string, string> meta, string path)
    {
        string Need(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new CheckpointFormatException(path, $"the checkpoint does not record '{key}'; was it written by dance train?");
        int Positive(string key) => int.TryParse(Need(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
            : throw new CheckpointFormatException(path, $"'{key}' = '{meta[key]}' is not a positive integer.");
        float width = float.TryParse(Need("width"), NumberStyles.Float, CultureInfo.InvariantCulture, out float w) && w > 0 && float.IsFinite(w) ? w
            : throw new CheckpointFormatException(path, $"'width' = '{meta["width"]}' is not a positive number.");
        return new ModelSpec(Need("arch"), Positive("classes"), width, Positive("frames"), Positive("size"));
    }
}
