namespace NativeDance.Pruning.Reports;

/// <summary>
/// Labelled point series, optionally joined by lines, e.g. accuracy against executed MACs for several methods.
/// Points with a non-finite coordinate (or a non-positive one on a log axis) are skipped and break a connecting line.
/// </summary>
/// <example><code>
/// new ScatterChart { Title = "Accuracy vs executed MACs", XLabel = "MACs per clip", YLabel = "top-1 (%)" }
///     .AddSeries("DANCE", macs, accuracies, connect: true)
///     .AddSeries("dense", [denseMacs], [denseAccuracy])
///     .SavePng("accuracy_vs_macs.png");
/// </code></example>
public sealed class ScatterChart : XYChart
{
    private readonly List<(string Name, double[] X, double[] Y, bool Connect)> _series = [];

    /// <summary>Adds a series of points (<paramref name="xs"/>[i], <paramref name="ys"/>[i]); returns this chart.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken, the lengths differ, or no point has two finite coordinates.</exception>
    public ScatterChart AddSeries(string name, IReadOnlyList<double> xs, IReadOnlyList<double> ys, bool connect = false)
    {
        CheckName(name, _series.Select(s => s.Name));
        if (xs.Count != ys.Count)
            throw new ArgumentException($"Series '{name}' has {xs.Count} x values but {ys.Count} y values.");
        if (!Enumerable.Range(0, xs.Count).Any(i => double.IsFinite(xs[i]) && double.IsFinite(ys[i])))
            throw new ArgumentException($"Series '{name}' has no point with finite coordinates ({xs.Count} points given).");
        _series.Add((name, xs.ToArray(), ys.ToArray(), connect));
        return this;
    }

    private protected override Axis BuildXAxis(int maxTicks)
    {
        var (min, max) = PaddedRange(PlottablePoints().Select(p => p.X), LogX, 0.04, "x");
        return Axis.Numeric(min, max, LogX, XMin, XMax, "x", maxTicks);
    }

    private protected override Axis BuildYAxis(int maxTicks)
    {
        var (min, max) = PaddedRange(PlottablePoints().Select(p => p.Y), LogY, 0.06, "y");
        return Axis.Numeric(min, max, LogY, YMin, YMax, "y", maxTicks);
    }

    private protected override IReadOnlyList<LegendEntry> LegendEntries() =>
        _series.Select((s, i) => new LegendEntry(s.Name, Palette.SeriesColor(i),
            s.Connect ? LegendSwatch.LineAndMarker : LegendSwatch.Marker, Palette.SeriesMarker(i))).ToArray();

    private protected override void DrawData(PlotArea plot)
    {
        for (int s = 0; s < _series.Count; s++)
        {
            var (_, xs, ys, connect) = _series[s];
            if (!connect)
                continue;
            for (int i = 1; i < xs.Length; i++)
                if (Plottable(plot, xs[i - 1], ys[i - 1]) && Plottable(plot, xs[i], ys[i]))
                    plot.Canvas.DrawLine(plot.X(xs[i - 1]), plot.Y(ys[i - 1]), plot.X(xs[i]), plot.Y(ys[i]), 2, Palette.SeriesColor(s));
        }
        for (int s = 0; s < _series.Count; s++)
        {
            var (_, xs, ys, _) = _series[s];
            for (int i = 0; i < xs.Length; i++)
                if (Plottable(plot, xs[i], ys[i]))
                    DrawMarker(plot.Canvas, Palette.SeriesMarker(s), plot.X(xs[i]), plot.Y(ys[i]), Palette.SeriesColor(s));
        }
    }

    private IEnumerable<(double X, double Y)> PlottablePoints() =>
        _series.Count == 0
            ? throw new InvalidOperationException("The scatter chart has no series: call AddSeries before rendering.")
            : _series.SelectMany(s => s.X.Zip(s.Y))
                .Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second) && (!LogX || p.First > 0) && (!LogY || p.Second > 0))
                .Select(p => (p.First, p.Second));

    private static bool Plottable(PlotArea plot, double x, double y) => plot.XAxis.CanPlot(x) && plot.YAxis.CanPlot(y);
}
