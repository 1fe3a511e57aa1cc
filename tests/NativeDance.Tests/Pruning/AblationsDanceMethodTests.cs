using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Data.Procedural;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Ablations;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Methods;

namespace NativeDance.Tests.Pruning;

/// <summary>DANCE and its ablations end to end on a tiny untrained model and a handful of clips.</summary>
public sealed class AblationsDanceMethodTests : IDisposable
{
    private static readonly ClipSpec Clip = new(8, 16, 16, 3);
    private readonly string _dir = Directory.CreateTempSubdirectory("nd-dance-").FullName;
    private readonly List<ClipLoader> _loaders = [];

    public void Dispose()
    {
        foreach (var loader in _loaders) loader.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void DanceTrainsCalibratesAndEvaluatesAndReturnsItsController()
    {
        var session = Session();
        var outcome = new DanceMethod().Execute(session, 0.5);
        var gates = ((IGatedNetwork)outcome.Backbone).Gates.Count;

        Assert.Equal("DANCE", outcome.Result.Name);
        Assert.Equal(MethodKind.Dance, outcome.Result.Kind);
        Assert.InRange(outcome.Result.Accuracy, 0, 1);
        Assert.Equal(gates, outcome.Controller.Gates);
        Assert.Equal(outcome.Scale, outcome.Gated.Scale);
        Assert.Contains(outcome.Calibration, p => p.Scale == outcome.Scale);
        Assert.Equal(16, outcome.Test.MacRatios.Length);
        Assert.Equal(gates, outcome.Test.Gates.Count);
        Assert.InRange(outcome.ControllerMacRatio, 1e-9, 0.05);
        Assert.Equal(outcome.Test.MeanMacRatio + outcome.ControllerMacRatio, outcome.Result.MacRatio, 9);
        Assert.InRange(outcome.Result.MacRatio, 0, 1);
    }

    [Fact]
    public void TheAblationsRunThroughTheSameCodeAndChangeWhatTheyClaim()
    {
        var session = Session();
        var noFrames = DanceAblations.Without(MaskGranularity.Frames).Execute(session, 0.5);
        Assert.Equal(MethodKind.Ablation, noFrames.Result.Kind);
        Assert.All(noFrames.Test.Gates, g => Assert.Equal(1.0, g.Frames, 12));
        // Calibrated to the MAC target: the chosen scale is the validation point closest to it.
        var chosen = noFrames.Calibration.First(p => p.Scale == noFrames.Scale);
        Assert.Equal(noFrames.Calibration.Min(p => Math.Abs(p.MacRatio - 0.5)), Math.Abs(chosen.MacRatio - 0.5));

        var raw = DanceAblations.RawClipController().Execute(session, 0.5);
        Assert.Equal(ControllerFeatures.Count(3, Clip.Frames), raw.Controller.Features);
        Assert.Equal(ControllerInput.RawClip, raw.Gated.Input);

        var dense = DanceAblations.WithoutAva().Execute(session, 0.5);
        Assert.NotSame(noFrames.Backbone, dense.Backbone);

        var ratios = GateKeepRatios.From(noFrames.Test);
        var random = new RandomControllerAblation(ratios, seed: 2).Execute(session, 0.5);
        Assert.Equal(MethodKind.Ablation, random.Result.Kind);
        foreach (var (g, r) in random.Test.Gates.Zip(ratios))
        {
            Assert.Equal(r.Gate, g.Gate);
            Assert.Equal(1.0, g.Frames, 12);
        }
        Assert.Equal(random.Result.Accuracy, new RandomControllerAblation(ratios, seed: 2).Run(session, 0.5).Accuracy);
    }

    [Fact]
    public void BadInputIsRefusedWithArgumentExceptions()
    {
        var session = Session();
        foreach (double target in new[] { 0.0, -0.1, 1.01, double.NaN })
            Assert.Contains("(0, 1]", Assert.Throws<ArgumentException>(() => new DanceMethod().Run(session, target)).Message);
        Assert.Throws<ArgumentException>(() => new RandomControllerAblation([new GateKeepRatios(0, 0.5, 0.5, 0.5)]).Run(session, 0.5));
        Assert.Throws<ArgumentException>(() => DanceAblations.Without(MaskGranularity.Frames | MaskGranularity.Channels));
        Assert.Throws<ArgumentException>(() => new DanceMethod(new DanceSettings { Masks = MaskGranularity.None }));
        Assert.Throws<ArgumentException>(() => new DanceMethod(new DanceSettings { Kind = MethodKind.Baseline }));
    }

    private PruningSession Session()
    {
        var spec = new ModelSpec("tiny-c3d", ProceduralClasses(), Width: 0.25f, Frames: Clip.Frames, Size: Clip.Height, Seed: 1);
        string dense = Path.Combine(_dir, "dense.safetensors"), ava = Path.Combine(_dir, "ava.safetensors");
        ModelCheckpoint.Save(ModelZoo.Create(spec), dense);
        ModelCheckpoint.Save(ModelZoo.Create(spec with { Seed = 2 }), ava);
        return new PruningSession(spec, dense, ava, Loader(DatasetSplit.Train, 32), Loader(DatasetSplit.Validation, 16), Loader(DatasetSplit.Test, 16));
    }

    private ClipLoader Loader(DatasetSplit split, int clips)
    {
        var loader = new ClipLoader(new ProceduralVideoDataset(split, clips, Clip, seed: 4),
            new ClipLoaderOptions { BatchSize = 8, Seed = 5, Shuffle = split == DatasetSplit.Train, DropLast = split == DatasetSplit.Train, Workers = 1 });
        _loaders.Add(loader);
        return loader;
    }

    private static int ProceduralClasses() => new ProceduralVideoDataset(DatasetSplit.Train, 1, Clip, seed: 4).ClassNames.Count;
}
