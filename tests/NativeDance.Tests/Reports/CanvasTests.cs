using NativeDance.Pruning.Reports;

namespace NativeDance.Tests.Reports;

public class CanvasTests
{
    private static readonly Rgb Ink = new(200, 40, 0);

    [Fact]
    public void FillRectCoversExactlyItsPixelsAndBlendsFractionalEdges()
    {
        var c = new Canvas(10, 10, Rgb.White);
        c.FillRect(2, 3, 5, 6, Ink);
        c.FillRect(7, 0, 7.5, 1, Rgb.Black);

        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 7; x++)
                Assert.Equal(x is >= 2 and < 5 && y is >= 3 and < 6 ? Ink : Rgb.White, c.GetPixel(x, y));
        Assert.Equal(new Rgb(128, 128, 128), c.GetPixel(7, 0)); // half covered: round(255 * 0.5)
    }

    [Fact]
    public void HorizontalLineCoversItsRowsByCoverage()
    {
        var c = new Canvas(100, 30, Rgb.White);
        c.DrawLine(10, 10.5, 90, 10.5, 2, Ink); // covers rows [9.5, 11.5)

        Assert.Equal(Ink, c.GetPixel(50, 10));
        Assert.Equal(Rgb.White.Mix(Ink, 0.5), c.GetPixel(50, 9));
        Assert.Equal(Rgb.White.Mix(Ink, 0.5), c.GetPixel(50, 11));
        Assert.Equal(Rgb.White, c.GetPixel(50, 8));
        Assert.Equal(Rgb.White, c.GetPixel(50, 12));
        Assert.Equal(Rgb.White, c.GetPixel(5, 10));  // left of the round cap
        Assert.Equal(Rgb.White, c.GetPixel(95, 10)); // right of the round cap
    }

    [Fact]
    public void DiagonalLinePassesThroughItsMidpointAndStaysThin()
    {
        var c = new Canvas(50, 50, Rgb.White);
        c.DrawLine(5.5, 5.5, 44.5, 44.5, 2, Ink);
        for (int i = 6; i < 44; i++)
        {
            Assert.Equal(Ink, c.GetPixel(i, i));
            Assert.Equal(Rgb.White, c.GetPixel(i, i + 3));
            Assert.Equal(Rgb.White, c.GetPixel(i + 3, i));
        }
    }

    [Fact]
    public void CircleAndMarkersFillTheirCentreOnly()
    {
        var c = new Canvas(40, 20, Rgb.White);
        c.FillCircle(10.5, 10.5, 4, Ink);
        Assert.Equal(Ink, c.GetPixel(10, 10));
        Assert.Equal(Ink, c.GetPixel(13, 10));
        Assert.Equal(Rgb.White, c.GetPixel(16, 10));
        Assert.Equal(Rgb.White, c.GetPixel(14, 14)); // outside the disc, inside its bounding box
        foreach (MarkerShape shape in Enum.GetValues<MarkerShape>())
        {
            var m = new Canvas(20, 20, Rgb.White);
            m.FillMarker(shape, 10, 10, 10, Ink);
            Assert.Equal(Ink, m.GetPixel(9, 9));
            Assert.Equal(Rgb.White, m.GetPixel(1, 1));
        }
    }

    [Fact]
    public void ClipLimitsDrawing()
    {
        var c = new Canvas(10, 10, Rgb.White);
        c.SetClip(0, 0, 5, 10);
        c.FillRect(0, 0, 10, 10, Ink);
        c.ResetClip();
        Assert.Equal(Ink, c.GetPixel(4, 4));
        Assert.Equal(Rgb.White, c.GetPixel(5, 4));
    }

    [Fact]
    public void TextDrawsGlyphBitsAtTheirScale()
    {
        var c = new Canvas(20, 20, Rgb.White);
        c.DrawText("I", 0, 0, Ink, scale: 2); // top row of 'I' is .###. (columns 1-3)
        Assert.Equal(Rgb.White, c.GetPixel(1, 0));
        Assert.Equal(Ink, c.GetPixel(2, 0));
        Assert.Equal(Ink, c.GetPixel(7, 1));
        Assert.Equal(Rgb.White, c.GetPixel(8, 0));
        Assert.Equal(Ink, c.GetPixel(4, 6));  // stem: column 2, row 3
        Assert.Equal(Rgb.White, c.GetPixel(2, 6));
        Assert.Equal((2 * 6 * 3 - 2, 18), Canvas.MeasureText("abc", 2));
    }

    [Fact]
    public void FontHasADistinctGlyphForEveryPrintableAsciiCharacter()
    {
        var glyphs = Enumerable.Range(33, 94).Select(c => Convert.ToHexString(BitmapFont.Glyph((char)c))).ToArray();
        Assert.All(glyphs, g => Assert.NotEqual(new string('0', 2 * BitmapFont.CellHeight), g));
        Assert.Equal(glyphs.Length, glyphs.Distinct().Count());
        Assert.Equal(BitmapFont.Glyph('?').ToArray(), BitmapFont.Glyph('\u00e9').ToArray());
        Assert.All(glyphs, g => Assert.True(Convert.FromHexString(g).All(row => row < 1 << BitmapFont.GlyphWidth)));
    }

    [Fact]
    public void VerticalTextReadsUpwards()
    {
        var c = new Canvas(20, 20, Rgb.White);
        c.DrawText("L", 0, 19, Ink, scale: 1, vertical: true); // 'L': a stem in column 0 over 7 rows, foot in row 6
        for (int k = 0; k < 7; k++)
            Assert.Equal(Ink, c.GetPixel(k, 18));     // the stem becomes the bottom row
        for (int k = 0; k < 5; k++)
            Assert.Equal(Ink, c.GetPixel(6, 18 - k)); // the foot becomes a column rising from it
        Assert.Equal(Rgb.White, c.GetPixel(3, 16));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new Canvas(0, 5, Rgb.White));
        var c = new Canvas(5, 5, Rgb.White);
        Assert.Throws<ArgumentException>(() => c.GetPixel(5, 0));
        Assert.Throws<ArgumentException>(() => c.DrawText("x", 0, 0, Ink, scale: 0));
        Assert.Throws<ArgumentException>(() => c.FillConvexPolygon([(0, 0), (1, 1)], Ink));
        Assert.Throws<ArgumentException>(() => Rgb.FromHex("#12345"));
        Assert.Equal(new Rgb(0, 0x72, 0xB2), Rgb.FromHex("#0072B2"));
    }
}
