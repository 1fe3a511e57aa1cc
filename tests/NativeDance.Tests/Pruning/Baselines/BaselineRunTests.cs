using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Data.Transforms;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Baselines;
using NativeDance.Pruning.Methods;

namespace NativeDance.Tests.Pruning.Baselines;

/// <summary>Every baseline end to end on a tiny model and a few procedural clips: it trains, tunes and lands near the target.</summary>
public sealed class BaselineRunTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"nd-baselines-{Guid.NewGuid():N}");
    private readonly List<ClipLoader> _loaders = [];

    public static TheoryData<string> Methods => ["l1", "fatrelu", "frames", "fbs"];

    [Theory]
    [MemberData(nameof(Methods))]
    public void TheMethodLandsNearTheTargetMacRatio(string method)
    {
        var messages = new List<string>();
        var result = Create(method).Run(Session(messages.Add), 0.35);
        Assert.Equal(MethodKind.Baseline, result.Kind);
        Assert.InRange(result.Accuracy, 0, 1);
        Assert.InRange(result.MacRatio, 0.30, 0.40);
        Assert.Contains(messages, m => m.Contains("fine-tuning step", StringComparison.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(result.Note));
    }

    [Theory]
    [InlineData("l1", 0.0)]
    [InlineData("fatrelu", 1.2)]
    [InlineData("frames", -0.5)]
    [InlineData("fbs", double.NaN)]
    public void ATargetOutsideTheUnitIntervalIsRefused(string method, double target)
    {
        var e = Assert.Throws<ArgumentException>(() => Create(method).Run(Session(), target));
        Assert.Contains("(0, 1]", e.Message);
    }

    private static IPruningMethod Create(string method)
    {
        var options = new BaselineOptions { TuningClips = 16 };
        return method switch
        {
            "l1" => new L1ChannelPruning(options),
            "fatrelu" => new ActivationThresholding(options),
            "frames" => new FrameSubsampling(options),
            _ => new ChannelSaliencyGating(options),
        };
    }

    private PruningSession Session(Action<string>? progress = null)
    {
        var request = new DatasetRequest("procedural", new ClipSpec(8, 16, 16, 3), Seed: 5, TrainClips: 32, EvalClips: 16);
        ClipLoader Loader(DatasetSplit split, bool training)
        {
            var data = DatasetCatalog.Open(request, split);
            var loader = new ClipLoader(data, new ClipLoaderOptions { BatchSize = 16, Seed = 5, Shuffle = training, DropLast = training },
                ClipTransformPipeline.Standard(data, 16, 16, training));
            _loaders.Add(loader);
            return loader;
        }
        var train = Loader(DatasetSplit.Train, true);
        var spec = new ModelSpec("tiny-c3d", train.Dataset.ClassNames.Count, Width: 0.25f, Frames: 8, Size: 16, Seed: 7);
        Directory.CreateDirectory(_folder);
        string path = Path.Combine(_folder, "model.safetensors");
        if (!File.Exists(path)) ModelCheckpoint.Save(ModelZoo.Create(spec), path);
        return new PruningSession(spec, path, path, train, Loader(DatasetSplit.Validation, false), Loader(DatasetSplit.Test, false))
        {
            Epochs = 1,
            Progress = progress ?? (_ => { }),
        };
    }

    public void Dispose()
    {
        foreach (var loader in _loaders) loader.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
