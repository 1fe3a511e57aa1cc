using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace NativeDance.Peers.Torch.Models;

/// <summary>
/// A libtorch twin of one of our video networks, written with torch.nn.functional on a <see cref="TorchStateDict"/>
/// whose names and layouts are PyTorch's: it is the oracle for training steps and the peer in the training benchmark.
/// Clips are [N, 3, T, H, W]; batch norm uses PyTorch's defaults (momentum 0.1, eps 1e-5) and, in training, updates
/// the running statistics and counts the batch as torch.nn.BatchNorm3d does.
/// </summary>
public abstract class TorchVideoNet(TorchStateDict state) : IDisposable
{
    private const double BatchNormMomentum = 0.1, BatchNormEpsilon = 1e-5;

    /// <summary>Parameters and buffers.</summary>
    public TorchStateDict State { get; } = state;

    /// <summary>Logits [N, classes] for clips [N, 3, T, H, W].</summary>
    public abstract torch.Tensor Forward(torch.Tensor clips, bool training);

    /// <summary>A bias-free 3D convolution with the weight <c>{name}.weight</c>.</summary>
    protected torch.Tensor Conv(torch.Tensor x, string name, long[] stride, long[] padding) =>
        F.conv3d(x, State[$"{name}.weight"], null, stride, padding);

    /// <summary>torch.nn.BatchNorm3d named <paramref name="name"/>.</summary>
    protected torch.Tensor BatchNorm(torch.Tensor x, string name, bool training)
    {
        if (training)
        {
            using var _ = torch.no_grad();
            State[$"{name}.num_batches_tracked"].add_(1);
        }
        return F.batch_norm(x, State[$"{name}.running_mean"], State[$"{name}.running_var"], State[$"{name}.weight"], State[$"{name}.bias"],
            training, BatchNormMomentum, BatchNormEpsilon);
    }

    /// <summary>torch.nn.Linear named <paramref name="name"/>.</summary>
    protected torch.Tensor Linear(torch.Tensor x, string name) => F.linear(x, State[$"{name}.weight"], State[$"{name}.bias"]);

    /// <summary>AdaptiveAvgPool3d(1) then flatten: [N, C, T, H, W] to [N, C].</summary>
    protected static torch.Tensor GlobalAveragePool(torch.Tensor x)
    {
        using var pooled = F.adaptive_avg_pool3d(x, [1, 1, 1]);
        return pooled.flatten(1);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        State.Dispose();
        GC.SuppressFinalize(this);
    }
}
