namespace NativeDance.Data.Video;

/// <summary>How clips are cut from videos. Defaults: 16 frames decoded at 128x171 (C3D's resize before its 112 crop), every frame.</summary>
public sealed record VideoClipOptions
{
    /// <summary>Decoded clip size: frames, and the height and width ffmpeg scales to; 3 channels.</summary>
    public ClipSpec Spec { get; init; } = new(16, 128, 171, 3);

    /// <summary>Distance between sampled source frames.</summary>
    public int FrameStride { get; init; } = 1;

    /// <summary>Where windows start; null: random for the training split, centred otherwise.</summary>
    public TemporalSampling? Sampling { get; init; }

    /// <summary>Share of every class of the training list held out as the validation split.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Fixes the validation hold-out and the windows of reads made without a sample seed.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Folder holding ffmpeg and ffprobe; null searches PATH.</summary>
    public string? FfmpegDirectory { get; init; }

    /// <summary>Longest time one decode may take before its ffmpeg is killed and the clip reported unreadable.</summary>
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromMinutes(2);

    internal void Validate()
    {
        if (Spec.Frames < 1 || Spec.Height < 1 || Spec.Width < 1 || Spec.Channels != 3)
            throw new ArgumentException($"Video clips need at least one frame and pixel and 3 channels; got {Spec}.", nameof(Spec));
        if (FrameStride < 1) throw new ArgumentException($"Frame stride must be positive, got {FrameStride}.", nameof(FrameStride));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentException($"Validation fraction must lie in [0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
        if (DecodeTimeout <= TimeSpan.Zero) throw new ArgumentException($"Decode timeout must be positive, got {DecodeTimeout}.", nameof(DecodeTimeout));
    }
}
