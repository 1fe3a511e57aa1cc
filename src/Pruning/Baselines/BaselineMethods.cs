using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>The published alternatives DANCE is compared with at matched MACs (METHOD.md, "Baselines at matched MACs").</summary>
/// <example><code>foreach (var method in BaselineMethods.All())
///     results.Add(method.Run(session, danceMacRatio));</code></example>
public static class BaselineMethods
{
    /// <summary>Static L1 channels, FATReLU thresholds, uniform frame subsampling and FBS channel saliency, sharing <paramref name="options"/>.</summary>
    public static IReadOnlyList<IPruningMethod> All(BaselineOptions? options = null) =>
        [new L1ChannelPruning(options), new ActivationThresholding(options), new FrameSubsampling(options), new ChannelSaliencyGating(options)];
}
