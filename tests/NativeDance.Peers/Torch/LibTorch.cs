using System.Runtime.CompilerServices;
using NativeDance.Peers.Elf;
using TorchSharp;

namespace NativeDance.Peers.Torch;

/// <summary>The libtorch peer (TorchSharp-cpu): call <see cref="EnsureLoaded"/> before anything else touches TorchSharp.</summary>
public static class LibTorch
{
    private static readonly Lazy<IReadOnlyList<string>> Loaded = new(Load);

    /// <summary>Applies the loader fix to the shim in the build output (once per process) and checks that libtorch runs.</summary>
    /// <returns>The version requirements the fix made weak in this process (empty if the shim was already loadable).</returns>
    public static IReadOnlyList<string> EnsureLoaded() => Loaded.Value;

    /// <summary>libtorch's version string, e.g. 2.10.0.</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return torch.__version__;
        }
    }

    private static IReadOnlyList<string> Load()
    {
        var patched = LibTorchSharpLoaderFix.Apply();
        Probe();
        return patched;
    }

    // Kept out of Load so that no TorchSharp code is compiled, let alone run, before the shim is patched.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Probe()
    {
        using var ones = torch.ones(2);
        using var sum = ones.sum();
        float value = sum.item<float>();
        if (value != 2f) throw new InvalidOperationException($"libtorch computed sum(ones(2)) = {value}.");
    }
}
