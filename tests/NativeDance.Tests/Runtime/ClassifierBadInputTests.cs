using NativeDance.Data;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Zoo;
using NativeDance.Runtime;
using NativeDance.Tensors;
using NativeDance.Tensors.Serialization;
using static NativeDance.Tests.Runtime.EmbeddingFixture;

namespace NativeDance.Tests.Runtime;

public sealed class ClassifierBadInputTests(EmbeddingFixture files) : IClassFixture<EmbeddingFixture>
{
    private static readonly ClassifierOptions OnCpu = new() { Device = ComputeDevice.Cpu };

    [Fact]
    public void MissingFilesAreNamed()
    {
        var model = Assert.Throws<FileNotFoundException>(() => VideoClassifier.Load(files.Combine("none.safetensors")));
        Assert.Contains("none.safetensors", model.Message);
        var controller = Assert.Throws<FileNotFoundException>(() => VideoClassifier.Load(files.ModelPath, files.Combine("nocontroller.safetensors"), OnCpu));
        Assert.Contains("nocontroller.safetensors", controller.Message);
    }

    [Fact]
    public void ACorruptModelFileIsACheckpointFormatError()
    {
        string path = files.Combine("corrupt.safetensors");
        var bytes = File.ReadAllBytes(files.ModelPath);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var e = Assert.Throws<CheckpointFormatException>(() => VideoClassifier.Load(path, null, OnCpu));
        Assert.Equal(path, e.Path);
        File.WriteAllText(path, "not a checkpoint at all");
        Assert.Throws<CheckpointFormatException>(() => VideoClassifier.Load(path, null, OnCpu));
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreRefusedNamingIt()
    {
        // tiny-c3d weights under metadata that says r3d-18.
        var tiny = TrainedCheckpoint.Load(files.ModelPath);
        var spec = tiny.Spec with { Architecture = "r3d-18" };
        string path = files.Combine("mislabelled.safetensors");
        ModelCheckpoint.Save(tiny.Model, path, TrainedCheckpoint.Describe(spec, "procedural", files.ClassNames));
        var e = Assert.Throws<CheckpointFormatException>(() => VideoClassifier.Load(path, null, OnCpu));
        Assert.Contains("r3d-18", e.Message);
        Assert.Contains("does not match", e.Message);
    }

    [Fact]
    public void AControllerFileAsTheModelOrAModelAsTheControllerIsRefused()
    {
        var asModel = Assert.Throws<CheckpointFormatException>(() => VideoClassifier.Load(files.ControllerPath, null, OnCpu));
        Assert.Contains("dance train", asModel.Message);
        var asController = Assert.Throws<ArgumentException>(() => VideoClassifier.Load(files.ModelPath, files.ModelPath, OnCpu));
        Assert.Contains("not a DANCE controller", asController.Message);
    }

    [Fact]
    public void AControllerForAnotherModelIsRefusedNamingBoth()
    {
        var spec = new ModelSpec("r3d-18", files.ClassNames.Count, 0.125f, Frames, Size, Seed: 2);
        string path = files.Combine("r3d.safetensors");
        ModelCheckpoint.Save(ModelZoo.Create(spec), path, TrainedCheckpoint.Describe(spec, "procedural", files.ClassNames));
        var e = Assert.Throws<ArgumentException>(() => VideoClassifier.Load(path, files.ControllerPath, OnCpu));
        Assert.Contains("tiny-c3d", e.Message);
        Assert.Contains("r3d-18", e.Message);
    }

    [Fact]
    public void ClipsOfTheWrongSizeOrChannelCountAreRefusedNamingTheExpectedShape()
    {
        using var classifier = VideoClassifier.Load(files.ModelPath, files.ControllerPath, OnCpu);
        var tooShort = Assert.Throws<ArgumentException>(() => classifier.Classify(new float[Frames * Size * Size * 3 - 3]));
        Assert.Contains($"{Frames}x{Size}x{Size}x3", tooShort.Message);
        Assert.Throws<ArgumentException>(() => classifier.Classify(files.Clips[0], new float[classifier.Classes + 1]));

        using var gray = Tensor.Zeros(new Shape(Frames, Size, Size, 1));
        var channels = Assert.Throws<ArgumentException>(() => classifier.Classify(gray));
        Assert.Contains($"[{Frames}, {Size}, {Size}, 1]", channels.Message);
        Assert.Contains("3 channels", channels.Message);
        using var longer = Tensor.Zeros(new Shape(Frames + 1, Size, Size, 3));
        Assert.Throws<ArgumentException>(() => classifier.Classify(longer));

        var rgba = Assert.Throws<ArgumentException>(() => classifier.Classify([new byte[Size * Size * 4]], Size, Size));
        Assert.Contains($"{Size * Size * 4} bytes", rgba.Message);
        Assert.Throws<ArgumentException>(() => classifier.Classify(Array.Empty<byte[]>(), Size, Size));
    }

    [Fact]
    public void AnUnreadableOrMissingVideoIsNamed()
    {
        Assert.SkipUnless(files.VideoAvailable, files.SkipReason);
        using var classifier = VideoClassifier.Load(files.ModelPath, null, OnCpu);
        string path = files.Combine("broken.avi");
        File.WriteAllBytes(path, [.. "RIFF"u8, .. new byte[600].Select((_, i) => (byte)(i * 31))]);
        var e = Assert.Throws<ClipReadException>(() => classifier.ClassifyVideo(path));
        Assert.Equal(path, e.SourcePath);
        Assert.Contains("broken.avi", e.Message);
        Assert.Throws<FileNotFoundException>(() => classifier.ClassifyVideo(files.Combine("missing.avi")));
    }
}
