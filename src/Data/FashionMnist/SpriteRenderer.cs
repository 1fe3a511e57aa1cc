namespace NativeDance.Data.FashionMnist;

/// <summary>
/// Draws a rectangular patch of a greyscale byte image onto a channels-last float frame [H, W, C], scaled to
/// <c>drawHeight</c> x <c>drawWidth</c> pixels at a fractional position, by bilinear sampling (pixel centres, zero
/// outside the patch). At native size the sampling is a partition of unity, so a sprite keeps its total intensity.
/// Sprites combine by maximum, so overlapping garments stay in [0, 1] like Moving MNIST's digits.
/// </summary>
internal static class SpriteRenderer
{
    /// <summary>The source patch of an image: its rows, columns and the rectangle to draw.</summary>
    internal readonly record struct Patch(int ImageRows, int ImageColumns, int Top, int Left, int Height, int Width);

    /// <summary>Draws <paramref name="patch"/> of <paramref name="image"/> with its top-left corner at (<paramref name="y"/>, <paramref name="x"/>).</summary>
    /// <param name="frame">Destination [height, width, colour.Length], values combined by max.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="image">Greyscale source, row-major, 255 = full intensity.</param>
    /// <param name="patch">The rectangle of the source to draw.</param>
    /// <param name="y">Row of the sprite's top edge on the frame.</param>
    /// <param name="x">Column of the sprite's left edge on the frame.</param>
    /// <param name="drawHeight">Height of the drawn sprite in frame pixels.</param>
    /// <param name="drawWidth">Width of the drawn sprite in frame pixels.</param>
    /// <param name="colour">Per-channel multiplier (all ones for grey).</param>
    public static void Draw(Span<float> frame, int height, int width, ReadOnlySpan<byte> image, Patch patch,
        float y, float x, int drawHeight, int drawWidth, ReadOnlySpan<float> colour)
    {
        int channels = colour.Length;
        float scaleY = (float)patch.Height / drawHeight;
        float scaleX = (float)patch.Width / drawWidth;
        int rowStart = Math.Max(0, (int)MathF.Floor(y)), rowEnd = Math.Min(height, (int)MathF.Ceiling(y + drawHeight));
        int colStart = Math.Max(0, (int)MathF.Floor(x)), colEnd = Math.Min(width, (int)MathF.Ceiling(x + drawWidth));
        for (int row = rowStart; row < rowEnd; row++)
        {
            // Source coordinate of this pixel's centre, in patch pixels whose centres sit at integers.
            float v = (row + 0.5f - y) * scaleY - 0.5f;
            int v0 = (int)MathF.Floor(v);
            float fv = v - v0;
            for (int col = colStart; col < colEnd; col++)
            {
                float u = (col + 0.5f - x) * scaleX - 0.5f;
                int u0 = (int)MathF.Floor(u);
                float fu = u - u0;
                float value =
                    (1 - fv) * ((1 - fu) * Sample(image, patch, v0, u0) + fu * Sample(image, patch, v0, u0 + 1)) +
                    fv * ((1 - fu) * Sample(image, patch, v0 + 1, u0) + fu * Sample(image, patch, v0 + 1, u0 + 1));
                if (value <= 0) continue;
                var pixel = frame.Slice((row * width + col) * channels, channels);
                for (int c = 0; c < channels; c++) pixel[c] = Math.Max(pixel[c], value * colour[c]);
            }
        }
    }

    private static float Sample(ReadOnlySpan<byte> image, Patch patch, int row, int col) =>
        (uint)row < (uint)patch.Height && (uint)col < (uint)patch.Width
            ? image[(patch.Top + row) * patch.ImageColumns + patch.Left + col] * (1f / 255)
            : 0f;
}
