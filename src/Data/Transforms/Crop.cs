using NativeDance.Tensors;

namespace NativeDance.Data.Transforms;

/// <summary>Cuts a <see cref="Height"/> x <see cref="Width"/> window out of every frame, at one position for the whole clip.</summary>
public sealed class Crop : IClipTransform
{
    /// <summary>Creates a crop of <paramref name="height"/> x <paramref name="width"/> at <paramref name="position"/>.</summary>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public Crop(int height, int width, CropPosition position)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"Crop size {height}x{width} must be positive.");
        Height = height;
        Width = width;
        Position = position;
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Random or centred window.</summary>
    public CropPosition Position { get; }

    /// <inheritdoc />
    public bool MirrorsHorizontally => false;

    /// <inheritdoc />
    public ClipSpec OutputSpec(ClipSpec input)
    {
        if (Height > input.Height || Width > input.Width)
            throw new ArgumentException($"A {Height}x{Width} crop does not fit {input.Height}x{input.Width} frames; resize first.");
        return input with { Height = Height, Width = Width };
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<float> source, ClipSpec sourceSpec, Span<float> destination, ref SeededRandom rng)
    {
        int slackY = sourceSpec.Height - Height, slackX = sourceSpec.Width - Width;
        int top = Position == CropPosition.Random ? rng.NextInt(slackY + 1) : slackY / 2;
        int left = Position == CropPosition.Random ? rng.NextInt(slackX + 1) : slackX / 2;
        int channels = sourceSpec.Channels;
        int outRow = Width * channels;
        for (int t = 0; t < sourceSpec.Frames; t++)
        {
            for (int y = 0; y < Height; y++)
            {
                int from = ((t * sourceSpec.Height + top + y) * sourceSpec.Width + left) * channels;
                source.Slice(from, outRow).CopyTo(destination.Slice((t * Height + y) * outRow, outRow));
            }
        }
    }
}
