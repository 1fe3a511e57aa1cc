using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Peers.Torch.Models;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Training;

/// <summary>
/// Small versions of zoo networks with their libtorch twins, for batches of 4 clips and 5 classes: the tiny C3D at
/// width 0.5 (stages 8-16-32-32) on 8x16x16 clips, and R3D-18 at width 1/8 (layers 8-16-32-64) on 8x32x32 clips, so
/// that its last batch norms still see 16 values per channel (with 4 they amplify rounding errors a hundredfold, in
/// libtorch's float32 against its float64 as much as in ours).
/// </summary>
public static class TwinCases
{
    /// <summary>Clips per batch.</summary>
    public const int Batch = 4;

    /// <summary>Classes of the classifiers.</summary>
    public const int Classes = 5;

    private static readonly Dictionary<string, TwinCase> Cases = new()
    {
        ["tiny-c3d"] = new(new ModelSpec("tiny-c3d", Classes, Width: 0.5f, Frames: 8, Size: 16),
            (path, dtype) => TorchTinyC3d.Load(path, [8, 16, 32, 32], Classes, dtype),
            (dtype, seed) => TorchTinyC3d.Initialize([8, 16, 32, 32], Classes, dtype, seed)),
        ["r3d-18"] = new(new ModelSpec("r3d-18", Classes, Width: 0.125f, Frames: 8, Size: 32),
            (path, dtype) => TorchR3d18.Load(path, [8, 16, 32, 64], Classes, dtype),
            (dtype, seed) => TorchR3d18.Initialize([8, 16, 32, 64], Classes, dtype, seed)),
    };

    /// <summary>Case names.</summary>
    public static IEnumerable<string> Keys => Cases.Keys;

    /// <summary>Case names, for [MemberData].</summary>
    public static TheoryData<string> Names => new(Cases.Keys);

    public static TwinCase Get(string name) => Cases[name];
}

/// <summary>One of our networks and how to build its libtorch twin from a checkpoint or from scratch.</summary>
public sealed record TwinCase(ModelSpec Spec, Func<string, ScalarType, TorchVideoNet> LoadTwin, Func<ScalarType, long, TorchVideoNet> InitializeTwin)
{
    /// <summary>Channels-last shape [N, T, H, W, C] of a batch of clips.</summary>
    public NativeDance.Tensors.Shape ClipShape => new(TwinCases.Batch, Spec.Frames, Spec.Size, Spec.Size, 3);

    /// <summary>Our model, initialised from <paramref name="seed"/>.</summary>
    public Module CreateOurs(ulong seed) => ModelZoo.Create(Spec with { Seed = seed });
}
