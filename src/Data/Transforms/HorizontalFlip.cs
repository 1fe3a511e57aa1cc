using NativeDance.Tensors;

namespace NativeDance.Data.Transforms;

/// <summary>Mirrors the whole clip left-right with probability <see cref="Probability"/>. Only valid where labels ignore direction.</summary>
public sealed class HorizontalFlip : IClipTransform
{
    /// <summary>Creates a flip applied with probability <paramref name="probability"/>.</summary>
    /// <exception cref="ArgumentException">The probability is outside [0, 1].</exception>
    public HorizontalFlip(double probability = 0.5)
    {
        if (!(probability is >= 0 and <= 1)) throw new ArgumentException($"Flip probability must lie in [0, 1], got {probability}.", nameof(probability));
        Probability = probability;
    }

    /// <summary>Chance that a clip is mirrored.</summary>
    public double Probability { get; }

    /// <inheritdoc />
    public bool MirrorsHorizontally => true;

    /// <inheritdoc />
    public ClipSpec OutputSpec(ClipSpec input) => input;

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<float> source, ClipSpec sourceSpec, Span<float> destination, ref SeededRandom rng)
    {
        if (rng.NextDouble() >= Probability)
        {
            source[..sourceSpec.ElementCount].CopyTo(destination);
            return;
        }
        int channels = sourceSpec.Channels, width = sourceSpec.Width;
        int rows = sourceSpec.Frames * sourceSpec.Height, rowLength = width * channels;
        for (int row = 0; row < rows; row++)
        {
            var input = source.Slice(row * rowLength, rowLength);
            var output = destination.Slice(row * rowLength, rowLength);
            for (int x = 0; x < width; x++)
                input.Slice(x * channels, channels).CopyTo(output.Slice((width - 1 - x) * channels, channels));
        }
    }
}
