using NativeDance.Tensors;

namespace NativeDance.Data.Transforms;

/// <summary>
/// Bilinear resize of every frame to <see cref="Height"/> x <see cref="Width"/>, with pixel-centre alignment
/// (PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c> without antialiasing).
/// </summary>
public sealed class Resize : IClipTransform
{
    private const int MaxWidth = 4096;

    /// <summary>Creates a resize to <paramref name="height"/> x <paramref name="width"/>.</summary>
    /// <exception cref="ArgumentException">A size is not positive or the width exceeds 4096.</exception>
    public Resize(int height, int width)
    {
        if (height < 1 || width < 1 || width > MaxWidth)
            throw new ArgumentException($"Resize target {height}x{width} must be positive with a width of at most {MaxWidth}.");
        Height = height;
        Width = width;
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public bool MirrorsHorizontally => false;

    /// <inheritdoc />
    public ClipSpec OutputSpec(ClipSpec input) => input with { Height = Height, Width = Width };

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<float> source, ClipSpec sourceSpec, Span<float> destination, ref SeededRandom rng)
    {
        int channels = sourceSpec.Channels;
        int inH = sourceSpec.Height, inW = sourceSpec.Width;
        Span<int> left = stackalloc int[Width];
        Span<int> right = stackalloc int[Width];
        Span<float> weight = stackalloc float[Width];
        for (int x = 0; x < Width; x++)
            (left[x], right[x], weight[x]) = SourceTaps(x, inW, Width);

        int inFrame = inH * inW * channels, outFrame = Height * Width * channels;
        for (int t = 0; t < sourceSpec.Frames; t++)
        {
            var frameIn = source.Slice(t * inFrame, inFrame);
            var frameOut = destination.Slice(t * outFrame, outFrame);
            for (int y = 0; y < Height; y++)
            {
                var (top, bottom, wy) = SourceTaps(y, inH, Height);
                var rowTop = frameIn.Slice(top * inW * channels, inW * channels);
                var rowBottom = frameIn.Slice(bottom * inW * channels, inW * channels);
                var rowOut = frameOut.Slice(y * Width * channels, Width * channels);
                for (int x = 0; x < Width; x++)
                {
                    int l = left[x] * channels, r = right[x] * channels;
                    float wx = weight[x];
                    for (int c = 0; c < channels; c++)
                    {
                        float upper = rowTop[l + c] + wx * (rowTop[r + c] - rowTop[l + c]);
                        float lower = rowBottom[l + c] + wx * (rowBottom[r + c] - rowBottom[l + c]);
                        rowOut[x * channels + c] = upper + wy * (lower - upper);
                    }
                }
            }
        }
    }

    /// <summary>The two source pixels output pixel <paramref name="o"/> blends and the weight of the second.</summary>
    private static (int Low, int High, float Weight) SourceTaps(int o, int inSize, int outSize)
    {
        float position = Math.Max(((o + 0.5f) * inSize / outSize) - 0.5f, 0f);
        int low = Math.Min((int)position, inSize - 1);
        int high = Math.Min(low + 1, inSize - 1);
        return (low, high, position - low);
    }
}
