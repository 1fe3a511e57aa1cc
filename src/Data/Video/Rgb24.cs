using System.Numerics.Tensors;

namespace NativeDance.Data.Video;

/// <summary>Packed 8-bit RGB pixels (rgb24: R, G, B per pixel, rows top to bottom), the format decoders and cameras hand out.</summary>
public static class Rgb24
{
    /// <summary>Converts <paramref name="rgb"/> to clip values in [0, 1] (byte / 255), one float per byte.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ToUnitFloats(ReadOnlySpan<byte> rgb, Span<float> destination)
    {
        if (rgb.Length != destination.Length)
            throw new ArgumentException($"{rgb.Length} bytes cannot convert into {destination.Length} floats.", nameof(destination));
        TensorPrimitives.ConvertChecked(rgb, destination);
        TensorPrimitives.Multiply(destination, 1f / 255, destination);
    }
}
