using System.Globalization;
using NativeDance.Autograd.Optim;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Tensors;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Models.Training;

/// <summary>
/// The on-disk state of a training run: <c>epoch-NNN/model.safetensors</c> (PyTorch names and layouts) and
/// <c>epoch-NNN/optimizer.safetensors</c> (moments and step count) for each completed epoch, and a <c>latest</c> file
/// naming the newest complete one. Every file is written atomically and <c>latest</c> is written last, so a run killed
/// at any moment resumes from the last completed epoch.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string LatestFile = "latest";
    private const int EpochsKept = 2;

    public static void Save(string directory, int epoch, Module model, Optimizer optimizer, IReadOnlyDictionary<string, string> metadata)
    {
        string folder = Path.Combine(directory, EpochFolder(epoch));
        Directory.CreateDirectory(folder);
        var meta = new Dictionary<string, string>(metadata) { ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture) };
        ModelCheckpoint.Save(model, Path.Combine(folder, "model.safetensors"), meta);
        var optimizerMeta = new Dictionary<string, string>(meta) { ["steps"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture) };
        SafeTensorsWriter.Write(Path.Combine(folder, "optimizer.safetensors"),
            optimizer.State().Select(s => SafeTensorEntry.Float32(s.Name, s.State)).ToList(), optimizerMeta);
        WriteAtomically(Path.Combine(directory, LatestFile), EpochFolder(epoch));
        ModelCheckpoint.Save(model, Path.Combine(directory, "model.safetensors"), meta);
        foreach (var old in Directory.GetDirectories(directory, "epoch-*").Order(StringComparer.Ordinal).SkipLast(EpochsKept))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>Restores model and optimizer from the newest complete epoch; returns that epoch, or 0 when there is none.</summary>
    /// <exception cref="CheckpointFormatException">The checkpoint does not match the model or optimizer.</exception>
    public static int Restore(string directory, Module model, Optimizer optimizer)
    {
        string latest = Path.Combine(directory, LatestFile);
        if (!File.Exists(latest)) return 0;
        string folder = Path.Combine(directory, File.ReadAllText(latest).Trim());
        string modelPath = Path.Combine(folder, "model.safetensors");
        string optimizerPath = Path.Combine(folder, "optimizer.safetensors");
        ModelCheckpoint.Load(model, modelPath);
        using var file = SafeTensorsReader.Open(optimizerPath);
        foreach (var (name, state) in optimizer.State())
        {
            if (!file.Contains(name) || file.Info(name).Shape != state.Shape)
                throw new CheckpointFormatException(optimizerPath, $"optimizer state '{name}' is missing or has the wrong shape (different optimizer or model?)");
            using var stored = file.ReadTensor(name);
            stored.Span.CopyTo(state.Span);
        }
        optimizer.RestoreStepCount(long.Parse(file.Metadata["steps"], CultureInfo.InvariantCulture));
        return int.Parse(file.Metadata["epoch"], CultureInfo.InvariantCulture);
    }

    private static string EpochFolder(int epoch) => $"epoch-{epoch:D3}";

    private static void WriteAtomically(string path, string text)
    {
        string temp = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
