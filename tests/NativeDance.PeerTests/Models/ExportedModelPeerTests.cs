using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Peers.Onnx;
using NativeDance.Peers.Torch;
using NativeDance.Peers.Torch.Models;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors;
using NativeDance.Tests.Testing;
using TorchSharp;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Models;

/// <summary>
/// The end-to-end benchmark's contestants compute the same network: ONNX Runtime on the model exported by
/// <see cref="OnnxVideoNet"/> and libtorch on the twin loaded from our checkpoint give the logits of our dense
/// inference plan, for narrow versions of the three benchmarked models (every batch norm with random statistics, so a
/// dropped or misplaced one shows).
/// </summary>
[Trait("Category", "Peer")]
public sealed class ExportedModelPeerTests
{
    private const double Tolerance = 1e-8;

    public static TheoryData<string> Cases => new(Specs.Keys);

    private static readonly Dictionary<string, ModelSpec> Specs = new()
    {
        ["tiny-c3d 16x32x32"] = new ModelSpec("tiny-c3d", Classes: 10, Frames: 16, Size: 32, Seed: 3),
        ["c3d width 1/16, 16x32x32"] = new ModelSpec("c3d", Classes: 7, Width: 0.0625f, Frames: 16, Size: 32, Seed: 4),
        ["r3d-18 width 1/8, 8x32x32"] = new ModelSpec("r3d-18", Classes: 6, Width: 0.125f, Frames: 8, Size: 32, Seed: 5),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntimeOnTheExportedModelGivesThePlansLogits(string name)
    {
        var (model, spec, clip) = Setup(name);
        using var ort = new OrtVideoNet(model, spec.Frames, spec.Size, spec.Size, threads: 1);
        using var channelsFirst = clip.ToChannelsFirst();
        channelsFirst.CopyTo(ort.Input);
        ort.Run();
        Numerics.AssertClose(ort.Logits, PlanLogits(model, spec, clip), Tolerance, name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LibTorchTwinGivesThePlansLogits(string name)
    {
        var (model, spec, clip) = Setup(name);
        using var twin = TorchTwins.Of(model, ScalarType.Float32);
        using var input = TorchConversions.ActivationToTorch(clip);
        using var noGrad = torch.no_grad();
        using var logits = twin.Forward(input, training: false);
        using var actual = TorchConversions.FromTorch(logits);
        Numerics.AssertClose(actual.Span, PlanLogits(model, spec, clip), Tolerance, name);
    }

    [Fact]
    public void ExportRefusesAModelItDoesNotKnow()
    {
        var ex = Assert.Throws<ArgumentException>(() => OnnxVideoNet.Export(new Sequential(new ReLU()), 4, 8, 8));
        Assert.Contains(nameof(Sequential), ex.Message);
    }

    private static (Module Model, ModelSpec Spec, Tensor Clip) Setup(string name)
    {
        var spec = Specs[name];
        var model = ModelZoo.Create(spec);
        RandomizeBatchNorms(model, seed: 11);
        model.Eval();
        var clip = Tensor.RandomUniform(new Shape(1, spec.Frames, spec.Size, spec.Size, 3), seed: 13, -1f, 1f);
        return (model, spec, clip);
    }

    private static float[] PlanLogits(Module model, ModelSpec spec, Tensor clip)
    {
        using var plan = InferencePlan.Compile(model, spec.Frames, spec.Size, spec.Size);
        var logits = new float[plan.Classes];
        plan.Run(clip.Span, logits);
        return logits;
    }

    /// <summary>Scales around 1, shifts and means around 0, variances in [0.5, 1.5]: nothing a default could produce.</summary>
    private static void RandomizeBatchNorms(Module model, int seed)
    {
        var random = new Random(seed);
        foreach (var norm in model.Descendants().OfType<BatchNorm3d>())
        {
            Fill(norm.Weight.Value, 0.5, 1.5);
            Fill(norm.Bias.Value, -0.2, 0.2);
            Fill(norm.State.Mean, -0.2, 0.2);
            Fill(norm.State.Variance, 0.5, 1.5);
        }

        void Fill(Tensor tensor, double low, double high)
        {
            var span = tensor.Span;
            for (int i = 0; i < span.Length; i++) span[i] = (float)(low + (high - low) * random.NextDouble());
        }
    }
}
