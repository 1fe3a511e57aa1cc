using NativeDance.Models.Modules;
using NativeDance.Tensors.Conv;

namespace NativeDance.Models.Zoo;

/// <summary>What to build: architecture, classes, width multiplier and the clip size (needed by C3D's fc6).</summary>
/// <param name="Architecture">One of <see cref="ModelZoo.Names"/>.</param>
/// <param name="Classes">Number of output classes.</param>
/// <param name="Width">Channel multiplier (1 = the published widths).</param>
/// <param name="Frames">Clip length T.</param>
/// <param name="Size">Clip height and width.</param>
/// <param name="BatchNorm">For C3D: add batch norm after every conv (always on for the others).</param>
/// <param name="Seed">Initialisation seed.</param>
public sealed record ModelSpec(string Architecture, int Classes, float Width = 1f, int Frames = 16, int Size = 112, bool BatchNorm = true, ulong Seed = 0);

/// <summary>The model zoo: the video networks DANCE is evaluated on, built by name.</summary>
/// <example><code>var model = ModelZoo.Create(new ModelSpec("r3d-18", Classes: 101));</code></example>
public static class ModelZoo
{
    /// <summary>Architecture names understood by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny-c3d", "c3d", "r3d-18", "mc3-18", "r2plus1d-18"];

    /// <summary>Builds a freshly initialised model.</summary>
    /// <exception cref="ArgumentException">The architecture is unknown (the message lists the known ones) or a size is invalid.</exception>
    public static Module Create(ModelSpec spec) => spec.Architecture.ToLowerInvariant() switch
    {
        "tiny-c3d" => TinyC3D(spec),
        "c3d" => C3D(spec),
        "r3d-18" => new VideoResNet(VideoResNetKind.R3D18, spec.Classes, spec.Width, spec.Seed),
        "mc3-18" => new VideoResNet(VideoResNetKind.MC318, spec.Classes, spec.Width, spec.Seed),
        "r2plus1d-18" => new VideoResNet(VideoResNetKind.R2Plus1D18, spec.Classes, spec.Width, spec.Seed),
        _ => throw new ArgumentException($"Unknown model '{spec.Architecture}'. Known models: {string.Join(", ", Names)}.", nameof(spec)),
    };

    /// <summary>
    /// C3D (Tran et al. 2015): eight 3x3x3 convs, five max pools, fc6/fc7 of 4096 and a classifier; pool5 pads H and W
    /// by one so a 112x112 clip yields the 512x1x4x4 = 8192 features of the original.
    /// </summary>
    private static PlainConvNet C3D(ModelSpec spec)
    {
        int W(int c) => Math.Max(1, (int)MathF.Round(c * spec.Width));
        ConvStage[] stages =
        [
            new("conv1", W(64), new Dims3(1, 2, 2)),
            new("conv2", W(128), Dims3.Cube(2)),
            new("conv3a", W(256), null), new("conv3b", W(256), Dims3.Cube(2)),
            new("conv4a", W(512), null), new("conv4b", W(512), Dims3.Cube(2)),
            new("conv5a", W(512), null), new("conv5b", W(512), Dims3.Cube(2), new Dims3(0, 1, 1)),
        ];
        return new PlainConvNet(stages, [W(4096), W(4096)], spec.Classes, spec.BatchNorm, spec.Frames, spec.Size, dropout: 0.5f, spec.Seed);
    }

    /// <summary>
    /// A four-stage C3D sized to train in minutes on two CPU cores: 16-32-64-64 channels (times the width), batch norm,
    /// then global average pooling and one classifier. The stem conv has spatial stride 2 (as the torchvision video
    /// ResNets' stem does) instead of a full-resolution conv and a pool: with only three input channels a full-resolution
    /// conv1 would cost a quarter of all MACs while being the one conv DANCE cannot prune; strided, it costs 8%.
    /// Pools follow conv2 and conv3.
    /// </summary>
    private static PlainConvNet TinyC3D(ModelSpec spec)
    {
        int W(int c) => Math.Max(1, (int)MathF.Round(c * spec.Width));
        ConvStage[] stages =
        [
            new("conv1", W(16), null, Stride: new Dims3(1, 2, 2)),
            new("conv2", W(32), Dims3.Cube(2)),
            new("conv3", W(64), Dims3.Cube(2)),
            new("conv4", W(64), null),
        ];
        return new PlainConvNet(stages, [], spec.Classes, batchNorm: true, spec.Frames, spec.Size, dropout: 0f, spec.Seed);
    }
}
