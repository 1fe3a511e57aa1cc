using System.Buffers;

namespace NativeDance.Data.Video;

/// <summary>Decodes the frames of one clip window from a video file or frame folder and lays them out as a clip.</summary>
internal static class FrameDecoding
{
    /// <summary>
    /// Decodes <paramref name="window"/> of <paramref name="source"/> (<paramref name="folderFrames"/>: the folder's frame
    /// files, null for a video file) at the size of <paramref name="spec"/> into <paramref name="destination"/>
    /// ([T, H, W, 3], values in [0, 1]). <paramref name="fill"/>: scale each frame to cover the size with its aspect ratio
    /// kept and crop the centre, instead of stretching it (video files only).
    /// </summary>
    /// <exception cref="ClipReadException">ffmpeg fails.</exception>
    public static void Decode(FfmpegDecoder decoder, VideoSource source, string[]? folderFrames, FrameWindow window, ClipSpec spec, bool fill, Span<float> destination)
    {
        int frameBytes = spec.Height * spec.Width * 3;
        byte[] rgb = ArrayPool<byte>.Shared.Rent(window.DecodeCount * frameBytes);
        try
        {
            int decoded = folderFrames is null
                ? decoder.DecodeVideo(source.Path, window, spec.Width, spec.Height, rgb, fill)
                : decoder.DecodeImages(source.Path, SelectFrames(folderFrames, window), spec.Width, spec.Height, rgb);
            for (int t = 0; t < spec.Frames; t++)
            {
                // A video whose packet count overstated its frames ends early: repeat its last decoded frame.
                int j = Math.Min(window.DecodedIndexOf(t), decoded - 1);
                Rgb24.ToUnitFloats(rgb.AsSpan(j * frameBytes, frameBytes), destination.Slice(t * frameBytes, frameBytes));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgb);
        }
    }

    private static string[] SelectFrames(string[] frames, FrameWindow window)
    {
        var selected = new string[window.DecodeCount];
        for (int k = 0; k < selected.Length; k++) selected[k] = frames[window.First + k * window.Step];
        return selected;
    }
}
