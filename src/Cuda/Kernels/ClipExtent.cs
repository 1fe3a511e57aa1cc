namespace NativeDance.Cuda.Kernels;

/// <summary>One clip's activation extent [T, P, C] as the statistics and mask kernels see it (P = H * W).</summary>
internal readonly record struct ClipExtent
{
    /// <summary>Validates the sizes.</summary>
    /// <exception cref="ArgumentException">A size is not positive, the clip has more than int.MaxValue elements, or the frames
    /// or pixel slices exceed a grid's y or z extent (65535).</exception>
    public ClipExtent(int frames, int pixels, int channels)
    {
        KernelArguments.Count(frames, nameof(frames));
        KernelArguments.Count(pixels, nameof(pixels));
        KernelArguments.Count(channels, nameof(channels));
        KernelArguments.Count((long)frames * pixels * channels, "frames * pixels * channels");
        if (frames > MaxGridExtent || GateStatisticsKernels.Slices(pixels) > MaxGridExtent)
            throw new ArgumentException($"A clip of {frames} frames and {pixels} pixels needs a grid of {frames} x {GateStatisticsKernels.Slices(pixels)} "
                + $"blocks along y and z; CUDA allows {MaxGridExtent}.", nameof(frames));
        (Frames, Pixels, Channels) = (frames, pixels, channels);
    }

    private const int MaxGridExtent = 65535;

    public int Frames { get; }

    public int Pixels { get; }

    public int Channels { get; }

    /// <summary>Pixel slices of the statistics passes.</summary>
    public int Slices => GateStatisticsKernels.Slices(Pixels);

    /// <summary>Elements of one partial-sum plane [S, T, C].</summary>
    public int PartialLength => Slices * Frames * Channels;

    /// <summary>Elements of the controller features, 2C + 2T (ControllerFeatures.Count; the tests hold the two equal).</summary>
    public int FeatureCount => 2 * Channels + 2 * Frames;

    /// <summary>Grid of the statistics passes: 32 channels x T frames x S slices.</summary>
    public Dim3 StatisticsGrid() => new((uint)((Channels + 31) / 32), (uint)Frames, (uint)Slices);
}
