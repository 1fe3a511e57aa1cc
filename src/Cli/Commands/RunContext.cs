using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Data.Transforms;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Tensors.Threading;

namespace NativeDance.Cli.Commands;

/// <summary>The datasets, loaders and model a command works on, built once from the shared options.</summary>
internal sealed class RunContext : IDisposable
{
    private readonly List<ClipLoader> _loaders = [];

    private readonly RunOptions _run;

    /// <param name="run">The shared options.</param>
    /// <param name="config">Their values.</param>
    /// <param name="adjust">Changes the dataset request where a command has its own defaults (e.g. the demo's clip counts).</param>
    public RunContext(RunOptions run, ConfigFile config, Func<DatasetRequest, DatasetRequest>? adjust = null)
    {
        _run = run;
        Config = config;
        ParallelFor.Threads = config.Get(run.Threads);
        Request = run.DatasetRequest(config);
        if (adjust is not null) Request = adjust(Request);
        BatchSize = config.Get(run.BatchSize);
        Size = config.Get(run.Size);
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {BatchSize}.");
    }

    public ConfigFile Config { get; }
    public DatasetRequest Request { get; }
    public int BatchSize { get; }
    public int Size { get; }

    /// <summary>A split of the dataset, with clips of the size given by the options.</summary>
    public IClipDataset Open(DatasetSplit split) => DatasetCatalog.Open(Request, split);

    /// <summary>A split of the dataset, with clips of the length and size <paramref name="model"/> was trained on.</summary>
    public IClipDataset Open(DatasetSplit split, ModelSpec model) => DatasetCatalog.Open(_run.DatasetRequest(Config, model.Frames, model.Size), split);

    /// <summary>A loader over <paramref name="data"/>: shuffled with random crops for training, in order with centre crops otherwise.</summary>
    public ClipLoader Loader(IClipDataset data, bool training, int? size = null)
    {
        int s = size ?? Size;
        var loader = new ClipLoader(data,
            new ClipLoaderOptions { BatchSize = BatchSize, Seed = Request.Seed, Shuffle = training, DropLast = training, SkipUnreadableClips = true },
            ClipTransformPipeline.Standard(data, s, s, training));
        _loaders.Add(loader);
        return loader;
    }

    /// <summary>Rebuilds the model recorded in a checkpoint written by dance train (or ava) and loads its weights.</summary>
    public static (Module Model, ModelSpec Spec) LoadModel(string path)
    {
        var trained = TrainedCheckpoint.Load(path);
        return (trained.Model, trained.Spec);
    }

    public void Dispose()
    {
        foreach (var loader in _loaders) loader.Dispose();
    }
}
