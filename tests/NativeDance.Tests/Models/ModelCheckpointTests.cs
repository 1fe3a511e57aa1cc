using NativeDance.Models.Checkpoints;
using NativeDance.Models.Zoo;
using NativeDance.Tensors;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Tests.Models;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nd-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveAndLoadRestoreEveryParameterAndBufferInTorchLayouts()
    {
        var a = ModelZoo.Create(new ModelSpec("r2plus1d-18", 7, Width: 0.125f, Seed: 1));
        foreach (var b in a.NamedBuffers().Where(b => !b.IsCounter)) b.Buffer.Span.Fill(0.5f);
        a.NamedBuffers().First(b => b.IsCounter).Buffer.Span[0] = 12;
        string path = Path.Combine(_dir, "m.safetensors");
        ModelCheckpoint.Save(a, path, new Dictionary<string, string> { ["arch"] = "r2plus1d-18" });

        using (var file = SafeTensorsReader.Open(path))
        {
            var conv = a.NamedParameters().First(p => p.Name == "stem.0.weight").Parameter.Value; // [1, 7, 7, 3, Cout]
            Assert.Equal(new Shape(conv.Shape[4], 3, 1, 7, 7), file.Info("stem.0.weight").Shape);
            Assert.Equal(SafeTensorDType.I64, file.Info("stem.1.num_batches_tracked").DType);
            using var stored = file.ReadTensor("stem.0.weight");
            Assert.Equal(conv[0, 2, 5, 1, 3], stored[3, 1, 0, 2, 5]);
        }

        var b2 = ModelZoo.Create(new ModelSpec("r2plus1d-18", 7, Width: 0.125f, Seed: 2));
        ModelCheckpoint.Load(b2, path);
        foreach (var (pa, pb) in a.NamedParameters().Zip(b2.NamedParameters()))
            Assert.Equal(pa.Parameter.Value.ToArray(), pb.Parameter.Value.ToArray());
        foreach (var (ba, bb) in a.NamedBuffers().Zip(b2.NamedBuffers()))
            Assert.Equal(ba.Buffer.ToArray(), bb.Buffer.ToArray());
    }

    [Fact]
    public void ACheckpointOfAnotherModelIsRefusedAndLeavesTheModelUnchanged()
    {
        string path = Path.Combine(_dir, "r3d.safetensors");
        ModelCheckpoint.Save(ModelZoo.Create(new ModelSpec("r3d-18", 5, Width: 0.125f)), path, new Dictionary<string, string> { ["arch"] = "r3d-18" });
        var other = ModelZoo.Create(new ModelSpec("mc3-18", 5, Width: 0.125f, Seed: 9));
        var before = other.Parameters().Select(p => p.Value.ToArray()).ToList();
        var e = Assert.Throws<CheckpointFormatException>(() => ModelCheckpoint.Load(other, path));
        Assert.Contains("checkpoint of 'r3d-18'", e.Message);
        Assert.Contains("layer2.0.conv1.0.weight", e.Message);
        Assert.Equal(before, other.Parameters().Select(p => p.Value.ToArray()).ToList());

        var wider = ModelZoo.Create(new ModelSpec("r3d-18", 6, Width: 0.125f));
        Assert.Contains("'fc.weight' has shape", Assert.Throws<CheckpointFormatException>(() => ModelCheckpoint.Load(wider, path)).Message);
    }
}
