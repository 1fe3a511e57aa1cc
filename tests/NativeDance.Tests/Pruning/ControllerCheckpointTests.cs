using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;

namespace NativeDance.Tests.Pruning;

public sealed class ControllerCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nd-controller-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IGatedNetwork Model(string architecture) =>
        (IGatedNetwork)ModelZoo.Create(new ModelSpec(architecture, 4, Width: 0.25f, Frames: 8, Size: 16, Seed: 1));

    [Fact]
    public void RoundTripKeepsWeightsNormalisationAndScale()
    {
        var network = Model("tiny-c3d");
        var controller = new AapController(features: 11, network.Gates.Count, seed: 7);
        string path = Path.Combine(_folder, "controller.safetensors");
        ControllerCheckpoint.Save(controller, path, "tiny-c3d", scale: 0.85f, budget: 0.35f);

        var (loaded, scale) = ControllerCheckpoint.Load(path, "tiny-c3d", network);
        Assert.Equal(0.85f, scale);
        Assert.Equal(controller.Features, loaded.Features);
        foreach (var (a, b) in controller.NamedParameters().Zip(loaded.NamedParameters()))
            Assert.Equal(a.Parameter.Value.ToArray(), b.Parameter.Value.ToArray());
        foreach (var (a, b) in controller.NamedBuffers().Zip(loaded.NamedBuffers()))
            Assert.Equal(a.Buffer.ToArray(), b.Buffer.ToArray());
    }

    [Fact]
    public void AControllerForAnotherModelIsRefusedWithBothNamed()
    {
        var tiny = Model("tiny-c3d");
        string path = Path.Combine(_folder, "tiny.safetensors");
        ControllerCheckpoint.Save(new AapController(11, tiny.Gates.Count), path, "tiny-c3d", scale: 1f);

        var e = Assert.Throws<ArgumentException>(() => ControllerCheckpoint.Load(path, "r3d-18", Model("r3d-18")));
        Assert.Contains("tiny-c3d", e.Message);
        Assert.Contains("r3d-18", e.Message);
    }

    [Fact]
    public void AModelCheckpointOrAMissingFileIsNotAController()
    {
        var model = ModelZoo.Create(new ModelSpec("tiny-c3d", 4, Width: 0.25f, Frames: 8, Size: 16));
        string modelPath = Path.Combine(_folder, "model.safetensors");
        ModelCheckpoint.Save(model, modelPath, new Dictionary<string, string> { ["arch"] = "tiny-c3d" });

        var e = Assert.Throws<ArgumentException>(() => ControllerCheckpoint.Load(modelPath, "tiny-c3d", (IGatedNetwork)model));
        Assert.Contains("not a DANCE controller", e.Message);
        Assert.Throws<FileNotFoundException>(() => ControllerCheckpoint.Load(Path.Combine(_folder, "absent.safetensors"), "tiny-c3d", (IGatedNetwork)model));
        Assert.Throws<ArgumentException>(() => ControllerCheckpoint.Save(new AapController(11, 3), modelPath, "tiny-c3d", scale: 0f));
    }
}
