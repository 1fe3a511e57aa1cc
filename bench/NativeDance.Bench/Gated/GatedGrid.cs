using NativeDance.Tensors.Conv;

namespace NativeDance.Bench.Gated;

/// <summary>One point of the keep-ratio grid: the shares of frames, channels and non-zero features kept.</summary>
internal sealed record GatedKeepRatios(double Frames, double Channels, double Features)
{
    public static readonly double[] FrameRatios = [1, 0.75, 0.5];
    public static readonly double[] ChannelRatios = [1, 0.75, 0.5];

    public static IEnumerable<GatedKeepRatios> Grid(double[] featureRatios) =>
        from f in FrameRatios from c in ChannelRatios from x in featureRatios select new GatedKeepRatios(f, c, x);

    /// <summary>Evenly spaced kept frames (as uniform subsampling keeps them) and a seeded random subset of channels.</summary>
    public Conv3dInputMask Mask(in Conv3dGeometry g, Random random)
    {
        int frames = Math.Max(1, (int)Math.Round(g.Input.T * Frames)), channels = Math.Max(1, (int)Math.Round(g.InChannels * Channels));
        int total = g.Input.T;
        var keptFrames = Enumerable.Range(0, frames).Select(i => i * total / frames).ToArray();
        var keptChannels = Enumerable.Range(0, g.InChannels).OrderBy(_ => random.Next()).Take(channels).Order().ToArray();
        return Conv3dInputMask.Create(g, keptFrames, keptChannels);
    }
}

/// <summary>The measured times of one layer at one grid point, with the gated call's path and work.</summary>
internal sealed record GatedGridCell(
    string Layer, bool Tiny, GatedKeepRatios Keep, GatedConvPath Path, double MacFraction, double BytesFraction,
    double OursDenseMs, double GatedMs, double CompactedMs, double SparseMs, double LibtorchDenseMs, double CrossoverDensity)
{
    /// <summary>Our dense conv's time over the gated conv's.</summary>
    public double SpeedupVsDense => OursDenseMs / GatedMs;

    /// <summary>libtorch's dense conv's time over the gated conv's.</summary>
    public double SpeedupVsLibtorch => LibtorchDenseMs / GatedMs;
}
