using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Ops;

/// <summary>
/// Our cross-entropy (mean over the batch, optional label smoothing) and its gradient against libtorch's
/// cross_entropy and autograd in float64, with the class counts of the usual video datasets.
/// </summary>
[Trait("Category", "Peer")]
public sealed class CrossEntropyPeerTests
{
    private const double Tolerance = 1e-10;

    public CrossEntropyPeerTests() => LibTorch.EnsureLoaded();

    [Theory]
    [InlineData(8, 101, 0f)]   // UCF101
    [InlineData(8, 101, 0.1f)]
    [InlineData(5, 51, 0.2f)]  // HMDB51, odd batch
    [InlineData(4, 400, 0.1f)] // Kinetics-400
    [InlineData(16, 10, 1f)]   // all smoothing: the label no longer matters
    [InlineData(1, 2, 0f)]
    public void LossAndGradientMatchLibTorch(int batch, int classes, float smoothing)
    {
        string context = $"B={batch} classes={classes} smoothing={smoothing}";
        const float lossGrad = 0.7f; // an upstream gradient other than 1, as under a weighted loss
        using var logits = Tensor.RandomNormal(new Shape(batch, classes), seed: (ulong)(31 + classes), std: 3f);
        int[] labels = Enumerable.Range(0, batch).Select(i => (i * 7 + 3) % classes).ToArray();
        float loss = CrossEntropy.Forward(logits.Span, labels, classes, smoothing);
        var gradLogits = new GuardedBuffer(batch * classes);
        CrossEntropy.Backward(logits.Span, labels, classes, gradLogits.Span, smoothing, lossGrad);
        gradLogits.AssertGuardIntact(context);

        using var scope = torch.NewDisposeScope();
        var x = TorchConversions.ToTorch(logits, ScalarType.Float64).requires_grad_(true);
        var theirLoss = F.cross_entropy(x, torch.tensor(labels.Select(l => (long)l).ToArray()), label_smoothing: smoothing);
        var dx = torch.autograd.grad([theirLoss], [x], [torch.tensor((double)lossGrad)])[0];
        Numerics.AssertClose([loss], [theirLoss.item<double>()], Tolerance, $"{context}, loss");
        using var expected = TorchConversions.FromTorch(dx);
        Numerics.AssertClose(gradLogits.Span, expected.Span, Tolerance, $"{context}, gradient");
    }
}
