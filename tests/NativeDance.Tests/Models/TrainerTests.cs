using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Data.Procedural;
using NativeDance.Models.Modules;
using NativeDance.Models.Training;
using NativeDance.Models.Zoo;

namespace NativeDance.Tests.Models;

// Bit-exact resumption needs the thread count and SIMD width to stay fixed across both runs.
[Collection(nameof(NativeDance.Tests.Gemm.KernelSettings))]
public sealed class TrainerTests : IDisposable
{
    private static readonly ClipSpec Spec = new(8, 16, 16, 3);
    private readonly string _dir = Directory.CreateTempSubdirectory("nd-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AResumedRunEndsWithExactlyTheWeightsOfAnUninterruptedOne()
    {
        var straight = Train("straight", epochs: 3, resume: false, out var straightHistory);
        Assert.Equal(3, straightHistory.Count);

        // Same configuration, stopped after epoch 2 as if the process had been killed during epoch 3.
        Assert.ThrowsAny<OperationCanceledException>(() => Train("interrupted", epochs: 3, resume: false, out _, stopAfterEpoch: 2));
        var resumed = Train("interrupted", epochs: 3, resume: true, out var resumedHistory);
        Assert.Equal([3], resumedHistory.Select(h => h.Epoch));

        foreach (var (a, b) in straight.NamedParameters().Zip(resumed.NamedParameters()))
            Assert.Equal(a.Parameter.Value.ToArray(), b.Parameter.Value.ToArray());
        foreach (var (a, b) in straight.NamedBuffers().Zip(resumed.NamedBuffers()))
            Assert.Equal(a.Buffer.ToArray(), b.Buffer.ToArray());
        Assert.Equal(straightHistory[^1].TrainLoss, resumedHistory[^1].TrainLoss);
        Assert.True(File.Exists(Path.Combine(_dir, "interrupted", "model.safetensors")));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(_dir, "interrupted"), "epoch-*").Length);
    }

    [Fact]
    public void TrainingReducesTheLoss()
    {
        Train("loss", epochs: 3, resume: false, out var history);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss * 0.9, $"loss {history[0].TrainLoss} -> {history[^1].TrainLoss}");
    }

    private Module Train(string name, int epochs, bool resume, out IReadOnlyList<EpochSummary> history, int stopAfterEpoch = 0)
    {
        var data = new ProceduralVideoDataset(DatasetSplit.Train, 48, Spec, seed: 3);
        var model = ModelZoo.Create(new ModelSpec("tiny-c3d", 10, Width: 0.5f, Frames: Spec.Frames, Size: Spec.Height, Seed: 5));
        using var loader = new ClipLoader(data, new ClipLoaderOptions { BatchSize = 8, Seed = 7, DropLast = true, Workers = 1 });
        var options = new TrainingOptions { Epochs = epochs, LearningRate = 0.05f, OutputDirectory = Path.Combine(_dir, name) };
        var trainer = new Trainer(model, loader, validation: null, classes: 10, options);
        using var stop = new CancellationTokenSource();
        trainer.EpochCompleted += e =>
        {
            if (e.Epoch == stopAfterEpoch) stop.Cancel();
        };
        history = trainer.Run(resume, stop.Token);
        return model;
    }
}
