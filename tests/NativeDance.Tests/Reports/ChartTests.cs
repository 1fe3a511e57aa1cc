using NativeDance.Pruning.Reports;

namespace NativeDance.Tests.Reports;

public class ChartTests
{
    private static readonly Rgb First = Palette.SeriesColor(0);

    [Fact]
    public void ScatterLineLandsWhereItsDataMaps()
    {
        var chart = new ScatterChart { XMin = 0, XMax = 1, YMin = 0, YMax = 1 }
            .AddSeries("line", [0.1, 0.9], [0.5, 0.5], connect: true);

        var (canvas, plot) = chart.RenderWithLayout();

        int y = (int)Math.Floor(plot.Y(0.5));
        Assert.Equal(First, canvas.GetPixel((int)plot.X(0.5), y));
        Assert.Equal(First, canvas.GetPixel((int)plot.X(0.3), y));
        Assert.NotEqual(First, canvas.GetPixel((int)plot.X(0.5), (int)plot.Y(0.6)));
        Assert.NotEqual(First, canvas.GetPixel((int)plot.X(0.95), y)); // beyond the last point
    }

    [Fact]
    public void BarSpansFromZeroToItsValue()
    {
        var chart = new BarChart(["a", "b"]) { YMin = 0, YMax = 1 }
            .AddSeries("s", [0.5, double.NaN]);

        var (canvas, plot) = chart.RenderWithLayout();

        int x = (int)plot.X(0);
        Assert.Equal(First, canvas.GetPixel(x, (int)plot.Y(0.05)));
        Assert.Equal(First, canvas.GetPixel(x, (int)plot.Y(0.45)));
        Assert.NotEqual(First, canvas.GetPixel(x, (int)plot.Y(0.55)));
        Assert.NotEqual(First, canvas.GetPixel((int)plot.X(1), (int)plot.Y(0.05))); // NaN: no bar
        Assert.NotEqual(First, canvas.GetPixel((int)plot.X(0.5), (int)plot.Y(0.05))); // between groups
    }

    [Fact]
    public void HistogramBinsHaveTheirCounts()
    {
        // Two bins over [1, 2]: three values in the first, one in the second.
        var chart = new HistogramChart { Bins = 2, YMin = 0, YMax = 4 }.AddSeries("h", [1, 1.2, 1.4, 2]);

        var (canvas, plot) = chart.RenderWithLayout();

        Assert.Equal(First, canvas.GetPixel((int)plot.X(1.25), (int)Math.Floor(plot.Y(3)))); // outline at count 3
        Assert.Equal(First, canvas.GetPixel((int)plot.X(1.75), (int)Math.Floor(plot.Y(1))));
        Assert.True(IsTinted(canvas.GetPixel((int)plot.X(1.75), (int)plot.Y(0.5))));
        Assert.False(IsTinted(canvas.GetPixel((int)plot.X(1.75), (int)plot.Y(2))));
        Assert.False(IsTinted(canvas.GetPixel((int)plot.X(1.25), (int)plot.Y(3.5))));
    }

    [Fact]
    public void EdgeCasesRender()
    {
        AssertRenders(new ScatterChart { Title = "one point" }.AddSeries("p", [3.0], [7.0]));
        AssertRenders(new ScatterChart { LogX = true, LogY = true }.AddSeries("p", [3.0], [7.0]));
        AssertRenders(new ScatterChart().AddSeries("same", [2.0, 2.0, 2.0], [0.0, 0.0, 0.0], connect: true));
        AssertRenders(new ScatterChart().AddSeries("gaps", [1, double.NaN, 3, 4], [1, 2, double.PositiveInfinity, 4], connect: true));
        AssertRenders(new ScatterChart { LogX = true }.AddSeries("mixed sign", [-1, 0, 10, 1000], [1, 2, 3, 4]));
        AssertRenders(new ScatterChart { Width = 300, Height = 200, Title = "A long title that is wider than the small image" }
            .AddSeries("a series with a long name", [1e-9, 2e-9], [1e12, 3e12]));
        AssertRenders(new BarChart(["only"]).AddSeries("s", [0.0]));
        AssertRenders(new BarChart(["a", "b", "c"]) { LogY = true }.AddSeries("s", [1, 10, 1000]).AddSeries("t", [0, 5, double.NaN]));
        AssertRenders(new BarChart(["negative", "positive"]).AddSeries("s", [-2, 3]));
        AssertRenders(new BarChart(Enumerable.Range(0, 12).Select(i => $"layer{i}.conv").ToArray()).AddSeries("s", Enumerable.Repeat(0.5, 12).ToArray()));
        AssertRenders(new HistogramChart().AddSeries("constant", [4, 4, 4]));
        AssertRenders(new HistogramChart { LogY = true, LogX = true, Normalize = true }.AddSeries("a", [0, 1, 10, 100]).AddSeries("b", [5.0]));
        AssertRenders(new HistogramChart { Bins = 1 }.AddSeries("one", [double.NaN, 2.0]).AddMarker("mean", 2));
    }

    [Fact]
    public void EmptyOrInconsistentSeriesAreRejected()
    {
        Assert.Contains("'e'", Assert.Throws<ArgumentException>(() => new ScatterChart().AddSeries("e", [], [])).Message);
        Assert.Contains("3 x values but 2 y values", Assert.Throws<ArgumentException>(() => new ScatterChart().AddSeries("e", [1, 2, 3], [1, 2])).Message);
        Assert.Throws<ArgumentException>(() => new ScatterChart().AddSeries("nan", [double.NaN], [1.0]));
        Assert.Throws<ArgumentException>(() => new ScatterChart().AddSeries("", [1.0], [1.0]));
        Assert.Throws<ArgumentException>(() => new ScatterChart().AddSeries("d", [1.0], [1.0]).AddSeries("d", [2.0], [2.0]));
        Assert.Throws<ArgumentException>(() => new HistogramChart().AddSeries("e", []));
        Assert.Throws<ArgumentException>(() => new HistogramChart().AddSeries("nan", [double.NaN, double.NegativeInfinity]));
        Assert.Throws<ArgumentException>(() => new HistogramChart { Bins = 0 });
        Assert.Throws<ArgumentException>(() => new HistogramChart().AddMarker("m", double.NaN));
        Assert.Throws<ArgumentException>(() => new BarChart([]));
        Assert.Contains("2 values but the chart has 3 categories",
            Assert.Throws<ArgumentException>(() => new BarChart(["a", "b", "c"]).AddSeries("s", [1, 2])).Message);
        Assert.Throws<ArgumentException>(() => new BarChart(["a"]).AddSeries("s", [double.NaN]));
    }

    [Fact]
    public void RenderingWithoutPlottableDataFailsClearly()
    {
        Assert.Throws<InvalidOperationException>(() => new ScatterChart().Render());
        Assert.Throws<InvalidOperationException>(() => new BarChart(["a"]).Render());
        Assert.Throws<InvalidOperationException>(() => new HistogramChart().Render());
        Assert.Contains("logarithmic", Assert.Throws<InvalidOperationException>(
            () => new ScatterChart { LogY = true }.AddSeries("s", [1.0], [-1.0]).Render()).Message);
        Assert.Throws<ArgumentException>(() => new ScatterChart { XMin = 2, XMax = 1 }.AddSeries("s", [1.0], [1.0]).Render());
        Assert.Throws<ArgumentException>(() => new ScatterChart { Width = 50 }.AddSeries("s", [1.0], [1.0]).Render());
    }

    [Fact]
    public void SavePngWritesTheRenderedImage()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nd-chart-{Guid.NewGuid():N}.png");
        try
        {
            var chart = new ScatterChart { Title = "t", XLabel = "x", YLabel = "y" }.AddSeries("s", [1.0, 2.0], [3.0, 4.0], connect: true);
            chart.SavePng(path);
            var image = PngTestDecoder.Decode(File.ReadAllBytes(path));
            Assert.Equal((800, 500), (image.Width, image.Height));
            Assert.Equal(chart.Render().Pixels.ToArray(), image.Rgb);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertRenders(Chart chart)
    {
        Canvas canvas = chart.Render();
        Assert.Equal((chart.Width, chart.Height), (canvas.Width, canvas.Height));
        Assert.Contains(Enumerable.Range(0, canvas.Width * canvas.Height), i => canvas.Pixels[3 * i] != 255); // something was drawn
    }

    // A pixel carrying some of the first series' blue (grid and frame greys have R == G == B).
    private static bool IsTinted(Rgb p) => p.B > p.R + 20;
}
