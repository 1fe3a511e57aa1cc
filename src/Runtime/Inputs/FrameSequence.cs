using NativeDance.Data;
using NativeDance.Data.Transforms;
using NativeDance.Data.Video;

namespace NativeDance.Runtime.Inputs;

/// <summary>
/// Turns a sequence of rgb24 frames of any size and count into a clip of the model's size, by the rules video files
/// follow: the centred window of T frames (looping through shorter sequences), each frame resized (bilinear) to cover
/// H x W with its aspect ratio kept, then centre-cropped, values byte / 255.
/// </summary>
internal static class FrameSequence
{
    /// <exception cref="ArgumentException">There are no frames, a size is not positive, or a frame is not width x height x 3 bytes.</exception>
    public static void ToClip(IReadOnlyList<byte[]> frames, int width, int height, ClipSpec clip, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("The frame sequence is empty.", nameof(frames));
        if (width < 1 || height < 1) throw new ArgumentException($"Frame size must be positive, got {width}x{height}.");
        int frameBytes = width * height * 3;
        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i]?.Length != frameBytes)
                throw new ArgumentException($"Frame {i} has {frames[i]?.Length ?? 0} bytes; a {width}x{height} rgb24 frame (3 channels) has {frameBytes}.", nameof(frames));
        }
        Span<int> sources = stackalloc int[clip.Frames];
        VideoClipReader.CentredFrames(frames.Count, stride: 1, sources);
        var pipeline = Pipeline(new ClipSpec(clip.Frames, height, width, 3), clip);
        using var workspace = pipeline.CreateWorkspace();
        for (int t = 0; t < clip.Frames; t++) Rgb24.ToUnitFloats(frames[sources[t]], workspace.Input.Slice(t * frameBytes, frameBytes));
        pipeline.Apply(workspace, destination, seed: 0);
    }

    private static ClipTransformPipeline Pipeline(ClipSpec input, ClipSpec clip)
    {
        double scale = Math.Max((double)clip.Height / input.Height, (double)clip.Width / input.Width);
        int height = Math.Max(clip.Height, (int)Math.Round(input.Height * scale));
        int width = Math.Max(clip.Width, (int)Math.Round(input.Width * scale));
        IClipTransform[] stages = height == input.Height && width == input.Width
            ? [new Crop(clip.Height, clip.Width, CropPosition.Centre)]
            : [new Resize(height, width), new Crop(clip.Height, clip.Width, CropPosition.Centre)];
        return new ClipTransformPipeline(input, flipInvariant: true, stages);
    }
}
