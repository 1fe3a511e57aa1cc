using NativeDance.Peers.Elf;
using NativeDance.Peers.Torch;
using TorchSharp;

namespace NativeDance.PeerTests.Loading;

/// <summary>The loader fix: the shim in the build output loads, and the fix only ever touches what it may.</summary>
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

    [Fact]
    public void ShimInBuildOutputHasNoUnmetRequirementLeft()
    {
        LibTorch.EnsureLoaded();
        string shim = LibTorchSharpLoaderFix.LocateShim();
        Assert.StartsWith(AppContext.BaseDirectory, shim);
        var image = Elf64Image.Read(shim);
        Assert.Empty(LibTorchSharpLoaderFix.UnmetRequirements(image, Path.GetDirectoryName(shim)!));
        Assert.Empty(LibTorchSharpLoaderFix.Apply());

        var bound = image.VersionIndicesBoundByRelocations();
        Assert.All(image.VersionNeeds().Where(n => n.IsWeak), n => Assert.DoesNotContain(n.Index, bound));
    }

    [Fact]
    public void RefusesToWeakenAVersionARelocationBinds()
    {
        LibTorch.EnsureLoaded();
        var image = Elf64Image.Read(LibTorchSharpLoaderFix.LocateShim());
        var bound = image.VersionIndicesBoundByRelocations();
        var used = image.VersionNeeds().First(n => n.File == "libstdc++.so.6" && bound.Contains(n.Index));
        var ex = Assert.Throws<InvalidOperationException>(() => LibTorchSharpLoaderFix.MakeWeak(image, [used]));
        Assert.Contains(used.Version, ex.Message);
    }

    [Fact]
    public void ReadsVersionDefinitionsOfTheInstalledLibStdCxx()
    {
        string path = InstalledLibraries.Resolve("libstdc++.so.6", AppContext.BaseDirectory);
        var versions = Elf64Image.Read(path).VersionDefinitions();
        Assert.Contains("GLIBCXX_3.4", versions);
        Assert.Contains("CXXABI_1.3", versions);
    }
}
