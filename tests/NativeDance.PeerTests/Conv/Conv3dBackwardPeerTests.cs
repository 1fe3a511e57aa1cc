using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tests.Testing;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Conv;

/// <summary>Our conv3d input, weight and bias gradients against libtorch's autograd (float64) on the same data.</summary>
[Trait("Category", "Peer")]
public sealed class Conv3dBackwardPeerTests
{
    private const double Tolerance = 1e-10;

    [Theory]
    [MemberData(nameof(VideoConvCases.Names), MemberType = typeof(VideoConvCases))]
    public void GradientsMatchLibTorch(string name)
    {
        var g = VideoConvCases.Get(name);
        var (input, weight, bias) = VideoConvCases.RandomOperands(g, seed: 37);
        using (input) using (weight) using (bias)
        using (var gradOutput = Tensor.RandomNormal(g.OutputShape, seed: 41))
        {
            var gradInput = new GuardedBuffer(g.InputLength);
            var gradWeight = new GuardedBuffer(g.WeightLength);
            var gradBias = new GuardedBuffer(g.OutChannels);
            Conv3d.BackwardInput(g, gradOutput.Span, weight.Span, gradInput.Span);
            Conv3d.BackwardWeight(g, input.Span, gradOutput.Span, gradWeight.Span, gradBias.Span);
            gradInput.AssertGuardIntact($"{name}, input gradient");
            gradWeight.AssertGuardIntact($"{name}, weight gradient");
            gradBias.AssertGuardIntact($"{name}, bias gradient");

            using var torchConv = new TorchConv3d(g, input, weight, bias, ScalarType.Float64, withGradients: true);
            var expected = torchConv.Backward(gradOutput);
            using (expected.Input) using (expected.Weight) using (expected.Bias)
            {
                Numerics.AssertClose(gradInput.Span, expected.Input.Span, Tolerance, $"{name}, input gradient");
                Numerics.AssertClose(gradWeight.Span, expected.Weight.Span, Tolerance, $"{name}, weight gradient");
                Numerics.AssertClose(gradBias.Span, expected.Bias!.Span, Tolerance, $"{name}, bias gradient");
            }
        }
    }
}
