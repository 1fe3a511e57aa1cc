using NativeDance.Models.Checkpoints;
using NativeDance.Models.Zoo;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Tests.Models;

public sealed class TrainedCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nd-trained-").FullName;
    private static readonly ModelSpec Spec = new("tiny-c3d", 3, Width: 0.25f, Frames: 8, Size: 16, Seed: 4);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LoadRebuildsTheRecordedModelWithItsWeightsAndClassNames()
    {
        var model = ModelZoo.Create(Spec);
        string path = Path.Combine(_folder, "model.safetensors");
        ModelCheckpoint.Save(model, path, TrainedCheckpoint.Describe(Spec, "procedural", ["left", "right", "still"]));
        var trained = TrainedCheckpoint.Load(path);
        Assert.Equal(Spec with { Seed = 0 }, trained.Spec);
        Assert.Equal("procedural", trained.Dataset);
        Assert.Equal(["left", "right", "still"], trained.ClassNames);
        foreach (var (a, b) in model.NamedParameters().Zip(trained.Model.NamedParameters()))
            Assert.Equal(a.Parameter.Value.ToArray(), b.Parameter.Value.ToArray());
    }

    [Fact]
    public void ClassNamesMustMatchTheClassesAndStayOnOneLine()
    {
        Assert.Throws<ArgumentException>(() => TrainedCheckpoint.Describe(Spec, "procedural", ["a", "b"]));
        var e = Assert.Throws<ArgumentException>(() => TrainedCheckpoint.Describe(Spec, "procedural", ["a", "b\nc", "d"]));
        Assert.Contains("line break", e.Message);
    }

    [Theory]
    [InlineData("classes", null, "does not record 'classes'")]
    [InlineData("frames", "eight", "'frames' = 'eight'")]
    [InlineData("width", "-1", "'width' = '-1'")]
    [InlineData("arch", "alexnet", "alexnet")]
    public void MissingOrBadMetadataIsAFormatErrorNamingTheField(string key, string? value, string expected)
    {
        var metadata = TrainedCheckpoint.Describe(Spec, "procedural", ["a", "b", "c"]);
        if (value is null) metadata.Remove(key);
        else metadata[key] = value;
        string path = Path.Combine(_folder, "bad.safetensors");
        ModelCheckpoint.Save(ModelZoo.Create(Spec), path, metadata);
        var e = Assert.Throws<CheckpointFormatException>(() => TrainedCheckpoint.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Equal(path, e.Path);
    }
}
