using BenchmarkDotNet.Attributes;
using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Data.Transforms;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Runtime;

namespace NativeDance.Bench.Embedding;

/// <summary>
/// The embedding API per clip: <see cref="VideoClassifier.Classify(ReadOnlySpan{float}, Span{float})"/> into a caller
/// span (must allocate nothing) next to the convenience overload that returns a <see cref="Classification"/>, dense and
/// DANCE-gated, on tiny C3D (16x32x32 clips) with random weights saved and loaded through the files the API reads.
/// </summary>
[MemoryDiagnoser]
public class EmbeddingBenchmarks
{
    private const int Frames = 16, Size = 32;
    private string? _folder;
    private VideoClassifier? _classifier;
    private float[] _clip = [], _logits = [];

    /// <summary>Whether the classifier runs the DANCE controller and masks.</summary>
    [Params(false, true)]
    public bool Gated { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("nativedance-embed-").FullName;
        var request = new DatasetRequest("procedural", new ClipSpec(Frames, Size, Size, 3), TrainClips: 32, EvalClips: 4);
        var train = DatasetCatalog.Open(request, DatasetSplit.Train);
        var spec = new ModelSpec("tiny-c3d", train.ClassNames.Count, 1f, Frames, Size, Seed: 1);
        var model = ModelZoo.Create(spec);
        string modelPath = Path.Combine(_folder, "model.safetensors"), controllerPath = Path.Combine(_folder, "controller.safetensors");
        ModelCheckpoint.Save(model, modelPath, TrainedCheckpoint.Describe(spec, request.Name, train.ClassNames));
        using (var loader = new ClipLoader(train, new ClipLoaderOptions { BatchSize = 8 }, ClipTransformPipeline.Standard(train, Size, Size, training: false)))
            ControllerCheckpoint.Save(AapController.Fit(model, loader), controllerPath, spec.Architecture, scale: 1f);
        _classifier = VideoClassifier.Load(modelPath, Gated ? controllerPath : null, new ClassifierOptions { Device = ComputeDevice.Cpu });
        _clip = new float[_classifier.ClipSpec.ElementCount];
        DatasetCatalog.Open(request, DatasetSplit.Test).ReadClip(0, _clip);
        _logits = new float[_classifier.Classes];
    }

    /// <summary>The allocation-free overload: logits into the caller's span (which the classifier writes, so nothing is elided).</summary>
    [Benchmark(Baseline = true)]
    public void ClassifyIntoSpan() => _classifier!.Classify(_clip, _logits);

    /// <summary>The convenience overload: a new <see cref="Classification"/> with logits and probabilities.</summary>
    [Benchmark]
    public Classification Classify() => _classifier!.Classify(_clip);

    [GlobalCleanup]
    public void Cleanup()
    {
        _classifier?.Dispose();
        _classifier = null;
        if (_folder is not null) Directory.Delete(_folder, recursive: true);
    }
}
