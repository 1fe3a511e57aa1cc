using NativeDance.Models.Checkpoints;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using static TorchSharp.torch;

namespace NativeDance.Peers.Torch.Models;

/// <summary>
/// The libtorch twin of one of our zoo models with the same weights: the model is saved through our
/// <see cref="ModelCheckpoint"/> (PyTorch's names and layouts) and loaded by the twin of its architecture, so the
/// twin proves the checkpoint as well as the forward pass.
/// </summary>
public static class TorchTwins
{
    /// <summary>The twin of <paramref name="model"/>: a tiny C3D, a C3D (with batch norm) or an R3D-18 of any width.</summary>
    /// <exception cref="ArgumentException">The model has no libtorch twin here.</exception>
    public static TorchVideoNet Of(Module model, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(model);
        string path = Path.Combine(Path.GetTempPath(), $"nativedance-twin-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelCheckpoint.Save(model, path);
            return model switch
            {
                PlainConvNet { GlobalPool: true } tiny => TorchTinyC3d.Load(path, Widths(tiny), tiny.FullyConnected[^1].OutFeatures, dtype),
                PlainConvNet { FullyConnected.Count: 3 } c3d when c3d.Stages.All(s => s.Norm is not null) => TorchC3d.Load(path, Widths(c3d),
                    c3d.FullyConnected[0].InFeatures, [c3d.FullyConnected[0].OutFeatures, c3d.FullyConnected[1].OutFeatures], c3d.FullyConnected[2].OutFeatures, dtype),
                VideoResNet { Kind: VideoResNetKind.R3D18 } r3d => TorchR3d18.Load(path, Planes(r3d), ((Linear)r3d.Children.Single(c => c.Name == "fc").Module).OutFeatures, dtype),
                _ => throw new ArgumentException($"No libtorch twin for a {model.GetType().Name} of this shape: tiny C3D, C3D with batch norm and R3D-18 have one.", nameof(model)),
            };
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int[] Widths(PlainConvNet model) => [.. model.Stages.Select(s => s.Conv.OutChannels)];

    // Each layer's width is the output width of its first block's first conv.
    private static int[] Planes(VideoResNet model) =>
    [
        .. model.Children.Where(c => c.Name.StartsWith("layer", StringComparison.Ordinal))
            .Select(c => ((NativeDance.Models.Layers.Conv3d)((BasicBlock)((Sequential)c.Module).Layers[0]).Conv1.Layers[0]).OutChannels),
    ];
}
