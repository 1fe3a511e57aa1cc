using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Data.Transforms;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Training;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Tests.Data;

namespace NativeDance.Tests.Runtime;

/// <summary>
/// A real trained checkpoint, made once per test class the way <c>dance train</c> makes one (the zoo model, the
/// trainer, the procedural dataset, the metadata of <see cref="TrainedCheckpoint"/>; one epoch on a few tiny clips),
/// a controller fitted on its clips and saved the way <c>dance aap</c> saves one, and, where ffmpeg exists, a grey-ramp
/// video of <see cref="VideoFrames"/> 40x30 frames whose frame n has the value 16 + 10 n.
/// </summary>
public sealed class EmbeddingFixture : IDisposable
{
    public const int Frames = 8;
    public const int Size = 16;
    public const int VideoFrames = 20;
    private readonly TempDirectory _dir = new();

    public EmbeddingFixture()
    {
        var request = new DatasetRequest("procedural", new ClipSpec(Frames, Size, Size, 3), Seed: 3, TrainClips: 16, EvalClips: 8);
        var train = DatasetCatalog.Open(request, DatasetSplit.Train);
        ClassNames = train.ClassNames;
        var spec = new ModelSpec("tiny-c3d", train.ClassNames.Count, 0.25f, Frames, Size, Seed: 3);
        var model = ModelZoo.Create(spec);
        using var loader = new ClipLoader(train, new ClipLoaderOptions { BatchSize = 8, Seed = 3, Shuffle = true },
            ClipTransformPipeline.Standard(train, Size, Size, training: false));
        var trainer = new Trainer(model, loader, null, spec.Classes,
            new TrainingOptions { Epochs = 1, OutputDirectory = _dir.Combine("train") }, TrainedCheckpoint.Describe(spec, request.Name, train.ClassNames));
        trainer.Run(resume: false);
        ModelPath = _dir.Combine("train", "model.safetensors");

        var controller = AapController.Fit(model, loader);
        ControllerPath = _dir.Combine("controller.safetensors");
        ControllerCheckpoint.Save(controller, ControllerPath, spec.Architecture, Scale, TrainedBudget);

        var test = DatasetCatalog.Open(request, DatasetSplit.Test);
        Clips = Enumerable.Range(0, test.Count).Select(i =>
        {
            var clip = new float[test.Spec.ElementCount];
            test.ReadClip(i, clip);
            return clip;
        }).ToArray();

        VideoAvailable = VideoFixture.FindOnPath("ffmpeg") && VideoFixture.FindOnPath("ffprobe");
        VideoPath = _dir.Combine("ramp.avi");
        if (VideoAvailable) VideoFixture.Generate(VideoFrames, VideoPath);
    }

    /// <summary>The calibration scale and budget saved with the controller.</summary>
    public const float Scale = 0.9f, TrainedBudget = 0.5f;

    public IReadOnlyList<string> ClassNames { get; }

    public string ModelPath { get; }

    public string ControllerPath { get; }

    /// <summary>Procedural test clips at the model's size.</summary>
    public IReadOnlyList<float[]> Clips { get; }

    public bool VideoAvailable { get; }

    public string VideoPath { get; }

    public string SkipReason => "ffmpeg and ffprobe are not on PATH (sudo apt-get install ffmpeg)";

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public void Dispose() => _dir.Dispose();
}
