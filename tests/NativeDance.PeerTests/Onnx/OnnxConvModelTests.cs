using NativeDance.Peers.Onnx;
using NativeDance.Peers.Torch;
using NativeDance.PeerTests.Conv;
using NativeDance.Tensors;
using NativeDance.Tests.Testing;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Onnx;

/// <summary>
/// The ONNX model built in code runs in ONNX Runtime and computes the same conv as libtorch: this checks the
/// protobuf encoder, the Conv attributes (pads, strides, dilations, group) and the layout conversions the bench uses.
/// </summary>
[Trait("Category", "Peer")]
public sealed class OnnxConvModelTests
{
    [Theory]
    [InlineData("R3D conv1 3->64 3x7x7 stride (1,2,2) pad (1,3,3)", true)]
    [InlineData("R(2+1)D temporal 144->64 3x1x1 pad (1,0,0)", false)]
    [InlineData("X3D depthwise 48 3x3x3 stride (1,2,2) pad 1", true)]
    [InlineData("grouped 32->64 groups 4 3x3x3 pad 1", true)]
    [InlineData("dilated 32->32 3x3x3 dilation 2 pad 2", false)]
    public void OrtComputesTheSameConvAsLibTorch(string name, bool withBias)
    {
        var g = VideoConvCases.Get(name);
        var (input, weight, bias) = VideoConvCases.RandomOperands(g, seed: 53);
        using (input) using (weight) using (bias)
        {
            using var ort = new OrtConv3d(g, weight, withBias ? bias : null, threads: 1);
            using var actual = ort.Forward(input);
            using var torchConv = new TorchConv3d(g, input, weight, withBias ? bias : null, ScalarType.Float64);
            using var expected = torchConv.ForwardToEngine();
            Numerics.AssertClose(actual.Span, expected.Span, 1e-10, name);
        }
    }

    [Fact]
    public void ProtobufVarintsUseSevenBitGroupsLowFirst()
    {
        byte[] bytes = new ProtobufWriter().Varint(1, 300).Varint(2, -1).String(3, "hi").ToArray();
        byte[] expected = [0x08, 0xAC, 0x02, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x1A, 0x02, (byte)'h', (byte)'i'];
        Assert.Equal(expected, bytes);
    }
}
