using NativeDance.Autograd;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Peers.Torch;
using NativeDance.Peers.Torch.Models;
using NativeDance.Tensors;
using TorchSharp;
using static NativeDance.PeerTests.Training.TwinComparison;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Training;

/// <summary>
/// Checkpoints cross between us and PyTorch both ways: our file loads as a PyTorch state dict with every value where
/// PyTorch expects it, and a state dict made and written on the libtorch side loads into our model and gives the
/// logits libtorch computes from it.
/// </summary>
[Trait("Category", "Peer")]
public sealed class CheckpointInteropPeerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nd-ckpt-peer-").FullName;

    [Theory]
    [MemberData(nameof(TwinCases.Names), MemberType = typeof(TwinCases))]
    public void OurCheckpointIsAPyTorchStateDict(string model)
    {
        var twinCase = TwinCases.Get(model);
        var ours = twinCase.CreateOurs(seed: 11);
        string path = Path.Combine(_directory, "ours.safetensors");
        ModelCheckpoint.Save(ours, path);
        using var twin = twinCase.LoadTwin(path, ScalarType.Float32);
        foreach (var p in ours.NamedParameters())
        {
            // libtorch's own permute takes [Cout, Cin, kT, kH, kW] back to our [kT, kH, kW, Cin, Cout]: no engine code involved.
            using var theirs = p.Layout == TorchLayout.ConvWeight ? twin.State[p.Name].permute(2, 3, 4, 1, 0) : twin.State[p.Name].alias();
            Assert.Equal(p.Parameter.Value.ToArray().Select(v => (double)v), Values(theirs));
        }
        foreach (var b in ours.NamedBuffers())
            Assert.Equal(b.Buffer.ToArray().Select(v => (double)v), Values(twin.State[b.Name]));
    }

    [Theory]
    [MemberData(nameof(TwinCases.Names), MemberType = typeof(TwinCases))]
    public void PyTorchStateDictLoadsAndGivesLibTorchsLogits(string model)
    {
        var twinCase = TwinCases.Get(model);
        string path = Path.Combine(_directory, "torch.safetensors");
        using var twin = twinCase.InitializeTwin(ScalarType.Float32, 17);
        twin.State.Save(path, new Dictionary<string, string> { ["format"] = "pt" });
        var ours = twinCase.CreateOurs(seed: 23);
        ModelCheckpoint.Load(ours, path);
        Assert.Equal("pt", ModelCheckpoint.ReadMetadata(path)["format"]);
        Assert.All(ours.NamedBuffers().Where(b => b.IsCounter), b => Assert.Equal(7f, b.Buffer.Item()));

        // Evaluation mode, so the loaded running statistics are used too.
        using var clips = Tensor.RandomNormal(twinCase.ClipShape, seed: 29);
        ours.Eval();
        using var torchScope = torch.NewDisposeScope();
        using var graphScope = new GraphScope();
        using var noGrad = GradMode.NoGrad();
        var logits = ours.Forward(Variable.Constant(clips));
        using var torchClips = TorchConversions.ActivationToTorch(clips);
        using var theirs = twin.Forward(torchClips, training: false);
        AssertRelative(logits.Value.ToArray(), Values(theirs), 1e-5, $"{model} logits from a libtorch-made checkpoint");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
