using NativeDance.Tensors;

namespace NativeDance.Data.Video;

/// <summary>
/// Reads one clip from a single video file through ffmpeg, for inference on files outside any dataset:
/// <see cref="ClipSpec.Frames"/> frames every <see cref="VideoClipOptions.FrameStride"/> source frames from the centred
/// window (or a seeded random one, with <see cref="VideoClipOptions.Sampling"/>), looping through videos that are too
/// short; each frame scaled to cover <see cref="ClipSpec.Height"/> x <see cref="ClipSpec.Width"/> with its aspect ratio
/// kept, then centre-cropped; values in [0, 1]. Each read is one ffprobe and one ffmpeg run, so reads are thread-safe.
/// </summary>
/// <example><code>var reader = new VideoClipReader(new VideoClipOptions { Spec = new ClipSpec(16, 112, 112, 3) });
/// var clip = new float[reader.Spec.ElementCount];
/// reader.ReadClip("walk.mp4", clip);</code></example>
public sealed class VideoClipReader
{
    private readonly VideoClipOptions _options;
    private readonly FfmpegDecoder _decoder;

    /// <summary>Creates a reader of clips shaped by <paramref name="options"/> (its split settings do not apply).</summary>
    /// <exception cref="FileNotFoundException">ffmpeg or ffprobe is missing; the message says how to install it.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public VideoClipReader(VideoClipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _decoder = new FfmpegDecoder(FfmpegTools.Locate(options.FfmpegDirectory), options.DecodeTimeout);
    }

    /// <summary>The size of the clips read: [T, H, W, 3].</summary>
    public ClipSpec Spec => _options.Spec;

    /// <summary>Decodes a clip of <paramref name="videoPath"/> into <paramref name="destination"/> ([T, H, W, 3]).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The destination is not exactly <see cref="ClipSpec.ElementCount"/> long.</exception>
    /// <exception cref="ClipReadException">The file is not a readable video; the message names it and carries ffmpeg's error.</exception>
    public void ReadClip(string videoPath, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(videoPath);
        if (destination.Length != Spec.ElementCount)
            throw new ArgumentException($"Destination holds {destination.Length} floats; a {Spec} clip needs {Spec.ElementCount}.", nameof(destination));
        if (!File.Exists(videoPath)) throw new FileNotFoundException($"Video not found: {videoPath}", videoPath);
        int sourceFrames = _decoder.CountFrames(videoPath);
        var rng = new SeededRandom(_options.Seed);
        var window = FrameWindow.Plan(sourceFrames, Spec.Frames, _options.FrameStride, _options.Sampling ?? TemporalSampling.Centre, ref rng);
        FrameDecoding.Decode(_decoder, new VideoSource(videoPath, IsFrameFolder: false), null, window, Spec, fill: true, destination);
    }

    /// <summary>
    /// The frames a clip of <paramref name="indices"/>.Length frames takes, every <paramref name="stride"/> frames, from a
    /// sequence of <paramref name="sourceFrames"/> frames, by the same rule as video files: the centred window, looping
    /// through sequences that are too short. Writes the source index of every clip frame.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count or the stride is not positive.</exception>
    public static void CentredFrames(int sourceFrames, int stride, Span<int> indices)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfZero(indices.Length, nameof(indices));
        var rng = new SeededRandom(0);
        var window = FrameWindow.Plan(sourceFrames, indices.Length, stride, TemporalSampling.Centre, ref rng);
        for (int t = 0; t < indices.Length; t++) indices[t] = window.First + window.DecodedIndexOf(t) * window.Step;
    }
}
