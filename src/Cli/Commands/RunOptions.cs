using System.CommandLine;
using NativeDance.Data;
using NativeDance.Models.Zoo;

namespace NativeDance.Cli.Commands;

/// <summary>The options that pick a model, a dataset and the clip size, shared by training, evaluation and the DANCE commands.</summary>
internal sealed class RunOptions
{
    public Option<string> Model { get; } = new("--model") { Description = $"Architecture: {string.Join(", ", ModelZoo.Names)}", DefaultValueFactory = _ => "tiny-c3d" };
    public Option<string> Dataset { get; } = new("--dataset") { Description = $"Dataset: {string.Join(", ", DatasetCatalog.Names)}", DefaultValueFactory = _ => "procedural" };
    public Option<string?> DataRoot { get; } = new("--data-root") { Description = "Folder of class folders (ucf101, hmdb51) or of IDX files (fashion-mnist)" };
    public Option<string?> Splits { get; } = new("--splits") { Description = "Folder of the official split files (ucf101, hmdb51)" };
    public Option<int> Fold { get; } = new("--fold") { Description = "Official split fold, 1 to 3", DefaultValueFactory = _ => 1 };
    public Option<int> Frames { get; } = new("--frames") { Description = "Frames per clip (T)", DefaultValueFactory = _ => 16 };
    public Option<int> Size { get; } = new("--size") { Description = "Clip height and width after cropping", DefaultValueFactory = _ => 32 };
    public Option<float> Width { get; } = new("--width") { Description = "Channel width multiplier of the model", DefaultValueFactory = _ => 1f };
    public Option<int?> TrainClips { get; } = new("--train-clips") { Description = "Training clips: procedural ones rendered (default 2000); other datasets: a seeded subset (default: all)" };
    public Option<int?> EvalClips { get; } = new("--eval-clips") { Description = "Validation and test clips each: procedural (default 500); other datasets: a seeded subset (default: all)" };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Clips per batch", DefaultValueFactory = _ => 16 };
    public Option<int> Threads { get; } = new("--threads") { Description = "Compute threads (default: all processors)", DefaultValueFactory = _ => Environment.ProcessorCount };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of data, initialisation and order", DefaultValueFactory = _ => 1UL };
    public Option<FileInfo?> Config { get; } = new("--config") { Description = "JSON file of option values (command-line options win)" };

    public IEnumerable<Option> All => [Model, Dataset, DataRoot, Splits, Fold, Frames, Size, Width, TrainClips, EvalClips, BatchSize, Threads, Seed, Config];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>The dataset request: procedural clips are rendered at the training size, others decoded larger and cropped.</summary>
    public DatasetRequest DatasetRequest(ConfigFile c) => DatasetRequest(c, c.Get(Frames), c.Get(Size));

    /// <summary>The dataset request for clips of a given length and size (e.g. those a checkpoint was trained on).</summary>
    public DatasetRequest DatasetRequest(ConfigFile c, int frames, int size)
    {
        string name = c.Get(Dataset);
        if (frames < 1 || size < 1) throw new ArgumentException($"--frames and --size must be positive, got {frames} and {size}.");
        var clip = name switch
        {
            "procedural" => new ClipSpec(frames, size, size, 3),
            "fashion-mnist" => new ClipSpec(frames, size, size, 3),
            _ => new ClipSpec(frames, Math.Max(size, size * 128 / 112), Math.Max(size, size * 171 / 112), 3),
        };
        return new DatasetRequest(name, clip, c.Get(Seed), c.Get(DataRoot), c.Get(Splits), c.Get(Fold), c.Get(TrainClips), c.Get(EvalClips));
    }
}
