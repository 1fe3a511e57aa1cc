using NativeDance.Peers.Torch;
using NativeDance.Tensors;

namespace NativeDance.PeerTests.Conversions;

/// <summary>The layout conversions between engine and libtorch tensors put every element where the other side expects it.</summary>
[Trait("Category", "Peer")]
public sealed class TorchConversionTests
{
    [Fact]
    public void ChannelsLastActivationMapsToTorchNcdhw()
    {
        using var ours = Tensor.RandomNormal(new Shape(2, 3, 4, 5, 6), seed: 3); // N, T, H, W, C
        using var theirs = TorchConversions.ActivationToTorch(ours);
        Assert.Equal([2L, 6, 3, 4, 5], theirs.shape);
        foreach (var (n, t, h, w, c) in new[] { (0, 0, 0, 0, 0), (1, 2, 3, 4, 5), (0, 1, 2, 3, 4), (1, 0, 3, 1, 2) })
            Assert.Equal(ours[n, t, h, w, c], theirs[n, c, t, h, w].item<float>());

        using var back = TorchConversions.ActivationFromTorch(theirs);
        Assert.Equal(ours.Shape, back.Shape);
        Assert.Equal(ours.ToArray(), back.ToArray());
    }

    [Fact]
    public void EngineConvWeightMapsToTorchLayout()
    {
        using var ours = Tensor.RandomNormal(new Shape(3, 1, 2, 4, 5), seed: 5); // kT, kH, kW, Cin, Cout
        using var theirs = TorchConversions.ConvWeightToTorch(ours);
        Assert.Equal([5L, 4, 3, 1, 2], theirs.shape);
        foreach (var (kt, kh, kw, ci, co) in new[] { (0, 0, 0, 0, 0), (2, 0, 1, 3, 4), (1, 0, 0, 2, 1) })
            Assert.Equal(ours[kt, kh, kw, ci, co], theirs[co, ci, kt, kh, kw].item<float>());

        using var back = TorchConversions.ConvWeightFromTorch(theirs);
        Assert.Equal(ours.Shape, back.Shape);
        Assert.Equal(ours.ToArray(), back.ToArray());
    }

    [Fact]
    public void Float64CopyKeepsValues()
    {
        using var ours = Tensor.RandomUniform(new Shape(7, 3), seed: 9, low: -2, high: 2);
        using var theirs = TorchConversions.ToTorch(ours, TorchSharp.torch.ScalarType.Float64);
        Assert.Equal(TorchSharp.torch.ScalarType.Float64, theirs.dtype);
        Assert.Equal((double)ours[6, 2], theirs[6, 2].item<double>());
        using var back = TorchConversions.FromTorch(theirs);
        Assert.Equal(ours.ToArray(), back.ToArray());
    }
}
