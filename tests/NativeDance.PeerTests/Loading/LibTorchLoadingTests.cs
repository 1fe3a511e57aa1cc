using NativeDance.Peers.Torch;
using TorchSharp;

namespace NativeDance.PeerTests.Loading;

[Trait("Category", "Peer")]
public sealed class LibTorchLoadingTests
{
    [Fact]
    public void LibTorchComputes()
    {
        LibTorch.EnsureLoaded();
        using var ones = torch.ones(2);
        using var sum = ones.sum();
        Assert.Equal(2f, sum.item<float>());
    }
}
