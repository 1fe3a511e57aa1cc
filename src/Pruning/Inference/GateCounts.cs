using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Inference;

/// <summary>What one gate kept for one clip, and what its conv cost.</summary>
/// <param name="Frames">Input frames of the gated conv.</param>
/// <param name="KeptFrames">Frames kept by the frame mask.</param>
/// <param name="Channels">Input channels.</param>
/// <param name="KeptChannels">Channels kept by the channel mask (over the kept frames).</param>
/// <param name="Pixels">Input pixels per frame (H * W).</param>
/// <param name="KeptFeatures">Non-zero elements of the kept frames and channels that pass the feature threshold.</param>
/// <param name="MaskedMacs">METHOD.md's executed MACs of the gated conv: each kept feature times the (tap, output) pairs it feeds times Cout, borders included.</param>
/// <param name="DenseExecutedMacs">The same count for a fully kept input (padding taps excluded).</param>
/// <param name="Path">The kernel that ran: dense-compacted or sparse-input.</param>
public readonly record struct GateCounts(int Frames, int KeptFrames, int Channels, int KeptChannels, int Pixels, long KeptFeatures,
    long MaskedMacs, double DenseExecutedMacs, GatedConvPath Path)
{
    /// <summary>Kept frames / frames.</summary>
    public double FrameKeep => (double)KeptFrames / Frames;

    /// <summary>Kept channels / channels.</summary>
    public double ChannelKeep => (double)KeptChannels / Channels;

    /// <summary>Kept features / elements of the kept frames and channels (0 when nothing is kept).</summary>
    public double FeatureKeep => KeptFrames * (long)KeptChannels == 0 ? 0 : KeptFeatures / ((double)KeptFrames * KeptChannels * Pixels);

    /// <summary><see cref="MaskedMacs"/> / <see cref="DenseExecutedMacs"/>: the input density the three masks left, weighted by fan-out.</summary>
    public double MacFraction => MaskedMacs / DenseExecutedMacs;
}
