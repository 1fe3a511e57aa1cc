namespace NativeDance.Pruning.Reports;

/// <summary>
/// An RGB raster with anti-aliased drawing. Coordinates are in pixels, x to the right and y down; pixel (i, j) covers
/// [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5). Shapes are blended by their coverage of each pixel,
/// and all drawing is limited to the clip rectangle.
/// </summary>
/// <example><code>
/// var canvas = new Canvas(200, 100, Rgb.White);
/// canvas.DrawLine(10, 90, 190, 10, 2, Rgb.Black);
/// canvas.SavePng("line.png");
/// </code></example>
public sealed class Canvas
{
    private readonly byte[] _pixels; // [Height, Width, 3] row-major RGB
    private int _clipX0, _clipY0, _clipX1, _clipY1; // half-open pixel bounds

    /// <summary>Creates a <paramref name="width"/> x <paramref name="height"/> canvas filled with <paramref name="background"/>.</summary>
    public Canvas(int width, int height, Rgb background)
    {
        if (width <= 0 || height <= 0 || (long)width * height > 64L << 20)
            throw new ArgumentException($"Canvas size {width}x{height} must be positive and at most 64 Mpixel.");
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        ResetClip();
        FillRect(0, 0, width, height, background);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row-major, 3 bytes (R, G, B) each.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The colour of pixel (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public Rgb GetPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentException($"Pixel ({x}, {y}) is outside the {Width}x{Height} canvas.");
        int i = (y * Width + x) * 3;
        return new(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
    }

    /// <summary>Limits drawing to the pixels in [x0, x1) x [y0, y1) (intersected with the canvas).</summary>
    public void SetClip(int x0, int y0, int x1, int y1)
    {
        _clipX0 = Math.Clamp(x0, 0, Width);
        _clipY0 = Math.Clamp(y0, 0, Height);
        _clipX1 = Math.Clamp(x1, _clipX0, Width);
        _clipY1 = Math.Clamp(y1, _clipY0, Height);
    }

    /// <summary>Allows drawing on the whole canvas again.</summary>
    public void ResetClip() => SetClip(0, 0, Width, Height);

    /// <summary>Fills the rectangle [x0, x1) x [y0, y1); fractional edges are blended by coverage.</summary>
    public void FillRect(double x0, double y0, double x1, double y1, Rgb color, double alpha = 1)
    {
        if (x1 < x0) (x0, x1) = (x1, x0);
        if (y1 < y0) (y0, y1) = (y1, y0);
        ForEachPixel(x0, y0, x1, y1, (px, py) =>
            Overlap(px, x0, x1) * Overlap(py, y0, y1), color, alpha);
    }

    /// <summary>Draws a segment of stroke <paramref name="width"/> with round caps.</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, double width, Rgb color, double alpha = 1)
    {
        double half = width / 2;
        double dx = x1 - x0, dy = y1 - y0;
        double lengthSquared = dx * dx + dy * dy;
        ForEachPixel(Math.Min(x0, x1) - half - 1, Math.Min(y0, y1) - half - 1, Math.Max(x0, x1) + half + 1, Math.Max(y0, y1) + half + 1,
            (px, py) =>
            {
                double cx = px + 0.5 - x0, cy = py + 0.5 - y0;
                double t = lengthSquared == 0 ? 0 : Math.Clamp((cx * dx + cy * dy) / lengthSquared, 0, 1);
                double ex = cx - t * dx, ey = cy - t * dy;
                return EdgeCoverage(half - Math.Sqrt(ex * ex + ey * ey));
            }, color, alpha);
    }

    /// <summary>Draws a dashed segment: dashes of <paramref name="dash"/> pixels separated by <paramref name="gap"/> pixels.</summary>
    public void DrawDashedLine(double x0, double y0, double x1, double y1, double width, Rgb color, double dash = 8, double gap = 5)
    {
        if (dash <= 0 || gap < 0)
            throw new ArgumentException($"Dash pattern ({dash}, {gap}) needs dash > 0 and gap >= 0.");
        double length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        if (length == 0)
            return;
        double ux = (x1 - x0) / length, uy = (y1 - y0) / length;
        for (double s = 0; s < length; s += dash + gap)
        {
            double e = Math.Min(s + dash, length);
            DrawLine(x0 + ux * s, y0 + uy * s, x0 + ux * e, y0 + uy * e, width, color);
        }
    }

    /// <summary>Fills a disc of radius <paramref name="radius"/> centred at (<paramref name="cx"/>, <paramref name="cy"/>).</summary>
    public void FillCircle(double cx, double cy, double radius, Rgb color, double alpha = 1) =>
        ForEachPixel(cx - radius - 1, cy - radius - 1, cx + radius + 1, cy + radius + 1, (px, py) =>
        {
            double ex = px + 0.5 - cx, ey = py + 0.5 - cy;
            return EdgeCoverage(radius - Math.Sqrt(ex * ex + ey * ey));
        }, color, alpha);

    /// <summary>Fills a convex polygon; coverage is estimated from 4x4 samples per pixel.</summary>
    public void FillConvexPolygon(ReadOnlySpan<(double X, double Y)> vertices, Rgb color, double alpha = 1)
    {
        if (vertices.Length < 3)
            throw new ArgumentException($"A polygon needs at least 3 vertices, got {vertices.Length}.");
        var points = vertices.ToArray();
        double minX = points.Min(p => p.X), maxX = points.Max(p => p.X);
        double minY = points.Min(p => p.Y), maxY = points.Max(p => p.Y);
        double orientation = Cross(points[0], points[1], points[2]) >= 0 ? 1 : -1;
        ForEachPixel(minX, minY, maxX, maxY, (px, py) =>
        {
            int inside = 0;
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++)
                    if (Contains(points, orientation, px + (sx + 0.5) / 4, py + (sy + 0.5) / 4))
                        inside++;
            return inside / 16.0;
        }, color, alpha);
    }

    /// <summary>Fills a marker of <paramref name="shape"/> whose bounding box is about <paramref name="size"/> pixels, centred at (<paramref name="cx"/>, <paramref name="cy"/>).</summary>
    public void FillMarker(MarkerShape shape, double cx, double cy, double size, Rgb color)
    {
        double r = size / 2;
        switch (shape)
        {
            case MarkerShape.Circle:
                FillCircle(cx, cy, r, color);
                break;
            case MarkerShape.Square:
                r *= 0.9;
                FillRect(cx - r, cy - r, cx + r, cy + r, color);
                break;
            case MarkerShape.Diamond:
                r *= 1.2;
                FillConvexPolygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], color);
                break;
            case MarkerShape.TriangleUp:
            case MarkerShape.TriangleDown:
                r *= 1.15;
                double s = shape == MarkerShape.TriangleUp ? 1 : -1;
                FillConvexPolygon([(cx, cy - s * r), (cx + r, cy + s * r * 0.75), (cx - r, cy + s * r * 0.75)], color);
                break;
            default:
                throw new ArgumentException($"Unknown marker shape {shape}.", nameof(shape));
        }
    }

    /// <summary>Width and height in pixels of <paramref name="text"/> drawn at <paramref name="scale"/> (height includes descenders).</summary>
    public static (int Width, int Height) MeasureText(string text, int scale) =>
        (BitmapFont.MeasureWidth(text, scale), BitmapFont.CellHeight * scale);

    /// <summary>
    /// Draws <paramref name="text"/> with the built-in 5x7 font magnified <paramref name="scale"/> times. (<paramref name="x"/>,
    /// <paramref name="y"/>) is the top-left corner of the text's cell; with <paramref name="vertical"/> the text is turned a
    /// quarter counter-clockwise, reads upwards, and (<paramref name="x"/>, <paramref name="y"/>) is its bottom-left corner.
    /// </summary>
    public void DrawText(string text, int x, int y, Rgb color, int scale = 2, bool vertical = false)
    {
        if (scale < 1)
            throw new ArgumentException($"Text scale must be at least 1, got {scale}.", nameof(scale));
        for (int i = 0; i < text.Length; i++)
        {
            ReadOnlySpan<byte> glyph = BitmapFont.Glyph(text[i]);
            for (int row = 0; row < BitmapFont.CellHeight; row++)
                for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                {
                    if ((glyph[row] >> (BitmapFont.GlyphWidth - 1 - col) & 1) == 0)
                        continue;
                    int along = (i * BitmapFont.Advance + col) * scale;
                    int across = row * scale;
                    if (vertical)
                        FillRect(x + across, y - along - scale, x + across + scale, y - along, color);
                    else
                        FillRect(x + along, y + across, x + along + scale, y + across + scale, color);
                }
        }
    }

    /// <summary>Writes the canvas as a PNG file, atomically (temporary file, then rename).</summary>
    public void SavePng(string path) => AtomicFile.Write(path, stream => PngEncoder.Write(stream, Width, Height, _pixels));

    private void ForEachPixel(double x0, double y0, double x1, double y1, Func<int, int, double> coverage, Rgb color, double alpha)
    {
        int ix0 = Math.Max(_clipX0, (int)Math.Floor(x0)), ix1 = Math.Min(_clipX1, (int)Math.Ceiling(x1));
        int iy0 = Math.Max(_clipY0, (int)Math.Floor(y0)), iy1 = Math.Min(_clipY1, (int)Math.Ceiling(y1));
        for (int py = iy0; py < iy1; py++)
            for (int px = ix0; px < ix1; px++)
            {
                double a = coverage(px, py) * alpha;
                if (a > 0)
                    Blend(px, py, color, Math.Min(a, 1));
            }
    }

    private void Blend(int x, int y, Rgb color, double a)
    {
        int i = (y * Width + x) * 3;
        _pixels[i] = Rgb.Lerp(_pixels[i], color.R, a);
        _pixels[i + 1] = Rgb.Lerp(_pixels[i + 1], color.G, a);
        _pixels[i + 2] = Rgb.Lerp(_pixels[i + 2], color.B, a);
    }

    // Fraction of pixel [p, p+1) inside [lo, hi).
    private static double Overlap(int p, double lo, double hi) => Math.Max(0, Math.Min(p + 1, hi) - Math.Max(p, lo));

    // Coverage of a pixel whose centre lies `inside` pixels within a shape's edge (negative: outside), using a 1-pixel ramp.
    private static double EdgeCoverage(double inside) => Math.Clamp(inside + 0.5, 0, 1);

    private static double Cross((double X, double Y) a, (double X, double Y) b, (double X, double Y) c) =>
        (b.X - a.X) * (c.Y - a.Y) - (b.Y - a.Y) * (c.X - a.X);

    private static bool Contains((double X, double Y)[] polygon, double orientation, double x, double y)
    {
        for (int i = 0; i < polygon.Length; i++)
            if (orientation * Cross(polygon[i], polygon[(i + 1) % polygon.Length], (x, y)) < 0)
                return false;
        return true;
    }
}
