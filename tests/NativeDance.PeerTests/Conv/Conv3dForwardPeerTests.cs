using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tests.Testing;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Conv;

/// <summary>Our conv3d forward against libtorch's conv3d run in float64 on the same data.</summary>
[Trait("Category", "Peer")]
public sealed class Conv3dForwardPeerTests
{
    private const double Tolerance = 1e-10;

    [Theory]
    [MemberData(nameof(VideoConvCases.Names), MemberType = typeof(VideoConvCases))]
    public void ForwardMatchesLibTorch(string name)
    {
        var g = VideoConvCases.Get(name);
        var (input, weight, bias) = VideoConvCases.RandomOperands(g, seed: 11);
        using (input) using (weight) using (bias)
        {
            var output = new GuardedBuffer(g.OutputLength);
            Conv3d.Forward(g, input.Span, weight.Span, bias.Span, output.Span);
            output.AssertGuardIntact(name);

            using var torchConv = new TorchConv3d(g, input, weight, bias, ScalarType.Float64);
            using var expected = torchConv.ForwardToEngine();
            Numerics.AssertClose(output.Span, expected.Span, Tolerance, name);
        }
    }

    [Theory]
    [MemberData(nameof(VideoConvCases.DenseNames), MemberType = typeof(VideoConvCases))]
    public void MaskedForwardMatchesLibTorchOnMaskedInput(string name)
    {
        var g = VideoConvCases.Get(name);
        var (input, weight, bias) = VideoConvCases.RandomOperands(g, seed: 23);
        using (input) using (weight) using (bias)
        {
            // Keep every other frame starting at 1, and a scattered ~60% of the channels (at least one).
            int[] frames = Enumerable.Range(0, g.Input.T).Where(t => t % 2 == 1).ToArray();
            int[] channels = Enumerable.Range(0, g.InChannels).Where(c => c == 0 || (c * 7) % 5 < 3).ToArray();
            var mask = Conv3dInputMask.Create(g, frames, channels);
            var output = new GuardedBuffer(g.OutputLength);
            Conv3d.Forward(g, input.Span, weight.Span, bias.Span, output.Span, mask);
            output.AssertGuardIntact(name);

            using var masked = ZeroDropped(input, frames, channels);
            using var torchConv = new TorchConv3d(g, masked, weight, bias, ScalarType.Float64);
            using var expected = torchConv.ForwardToEngine();
            Numerics.AssertClose(output.Span, expected.Span, Tolerance, $"{name}, masked");
        }
    }

    /// <summary>A copy of a channels-last input with the dropped frames and channels set to zero.</summary>
    private static Tensor ZeroDropped(Tensor input, int[] keptFrames, int[] keptChannels)
    {
        var masked = input.Clone();
        var span = masked.Span;
        int t = input.Shape[1], hw = input.Shape[2] * input.Shape[3], c = input.Shape[4];
        var frameKept = new bool[t];
        var channelKept = new bool[c];
        foreach (int f in keptFrames) frameKept[f] = true;
        foreach (int ch in keptChannels) channelKept[ch] = true;
        for (int i = 0; i < span.Length; i++)
        {
            int channel = i % c, frame = i / (c * hw) % t;
            if (!frameKept[frame] || !channelKept[channel]) span[i] = 0;
        }
        return masked;
    }
}
