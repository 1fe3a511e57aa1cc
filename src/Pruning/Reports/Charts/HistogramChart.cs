namespace NativeDance.Pruning.Reports;

/// <summary>
/// Overlaid histograms of one or more samples on shared bins (translucent fills with solid outlines), plus optional labelled
/// vertical markers such as a mean or a budget. Non-finite values, and non-positive ones on a log x axis, are skipped;
/// with <see cref="XYChart.XMin"/>/<see cref="XYChart.XMax"/> set, values outside that range are left out of the bins.
/// </summary>
/// <example><code>
/// new HistogramChart { Title = "Activation magnitudes", XLabel = "|a|", YLabel = "count", LogY = true }
///     .AddSeries("before AVA", before)
///     .AddSeries("after AVA", after)
///     .SavePng("activations.png");
/// </code></example>
public sealed class HistogramChart : XYChart
{
    private const double FillAlpha = 0.35;

    private readonly List<(string Name, double[] Values)> _series = [];
    private readonly List<(string Name, double X)> _markers = [];
    private int _bins = 30;

    /// <summary>Number of equal-width bins (equal in log space on a log x axis), 1 to 1000; default 30.</summary>
    public int Bins
    {
        get => _bins;
        set => _bins = value is >= 1 and <= 1000 ? value : throw new ArgumentException($"Bins must be in [1, 1000], got {value}.", nameof(value));
    }

    /// <summary>Plot each series' fraction of its binned values instead of counts, so samples of different sizes compare.</summary>
    public bool Normalize { get; set; }

    /// <summary>Adds a sample to bin and draw; returns this chart.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken, or the sample has no finite value.</exception>
    public HistogramChart AddSeries(string name, IReadOnlyList<double> values)
    {
        CheckName(name, _series.Select(s => s.Name).Concat(_markers.Select(m => m.Name)));
        if (!values.Any(double.IsFinite))
            throw new ArgumentException($"Series '{name}' has no finite value ({values.Count} values given).");
        _series.Add((name, values.ToArray()));
        return this;
    }

    /// <summary>Adds a labelled vertical dashed line at <paramref name="x"/> (e.g. the mean); returns this chart.</summary>
    public HistogramChart AddMarker(string name, double x)
    {
        CheckName(name, _series.Select(s => s.Name).Concat(_markers.Select(m => m.Name)));
        if (!double.IsFinite(x))
            throw new ArgumentException($"Marker '{name}' is at {x}; it must be finite.", nameof(x));
        _markers.Add((name, x));
        return this;
    }

    private protected override Axis BuildXAxis(int maxTicks)
    {
        double[] edges = Edges();
        var (min, max) = PaddedRange(_markers.Select(m => m.X).Append(edges[0]).Append(edges[^1]), LogX, 0, "x");
        return Axis.Numeric(min, max, LogX, XMin, XMax, "x", maxTicks);
    }

    private protected override Axis BuildYAxis(int maxTicks)
    {
        double[] heights = Heights(Edges()).SelectMany(h => h).ToArray();
        if (LogY)
        {
            var (min, max) = PaddedRange(heights, log: true, 0.05, "y");
            return Axis.Numeric(min, max, log: true, YMin, YMax, "y", maxTicks);
        }
        return Axis.Numeric(0, heights.Max() * 1.05, log: false, YMin ?? 0, YMax, "y", maxTicks);
    }

    private protected override IReadOnlyList<LegendEntry> LegendEntries() =>
        _series.Select((s, i) => new LegendEntry(s.Name, Palette.SeriesColor(i), LegendSwatch.Box))
            .Concat(_markers.Select((m, i) => new LegendEntry(m.Name, MarkerColor(i), LegendSwatch.DashedLine)))
            .ToArray();

    private protected override void DrawData(PlotArea plot)
    {
        double[] edges = Edges();
        double[][] heights = Heights(edges);
        double baseline = plot.YAxis.IsLog ? plot.Bottom : plot.Y(Math.Max(0, plot.YAxis.Min));
        for (int s = 0; s < heights.Length; s++)
            for (int b = 0; b < _bins; b++)
                if (plot.YAxis.CanPlot(heights[s][b]) && heights[s][b] != 0)
                    plot.Canvas.FillRect(plot.X(edges[b]), plot.Y(heights[s][b]), plot.X(edges[b + 1]), baseline, Palette.SeriesColor(s), FillAlpha);
        for (int s = 0; s < heights.Length; s++)
            DrawOutline(plot, edges, heights[s], baseline, Palette.SeriesColor(s));
        for (int m = 0; m < _markers.Count; m++)
            if (plot.XAxis.CanPlot(_markers[m].X))
            {
                double x = plot.X(_markers[m].X);
                plot.Canvas.DrawDashedLine(x, plot.Top, x, plot.Bottom, 2, MarkerColor(m));
            }
    }

    // The histogram's step outline: across the top of each bin, and down to the baseline where a bin is empty.
    private static void DrawOutline(PlotArea plot, double[] edges, double[] heights, double baseline, Rgb color)
    {
        double Top(int b) => b < 0 || b >= heights.Length || !plot.YAxis.CanPlot(heights[b]) || heights[b] == 0 ? baseline : plot.Y(heights[b]);
        for (int b = 0; b <= heights.Length; b++)
        {
            double x = plot.X(edges[b]);
            if (Top(b - 1) != Top(b))
                plot.Canvas.DrawLine(x, Top(b - 1), x, Top(b), 2, color);
            if (b < heights.Length && Top(b) != baseline)
                plot.Canvas.DrawLine(x, Top(b), plot.X(edges[b + 1]), Top(b), 2, color);
        }
    }

    private Rgb MarkerColor(int index) => Palette.SeriesColor(_series.Count + index);

    private bool Binnable(double v) =>
        double.IsFinite(v) && (!LogX || v > 0) && !(v < XMin) && !(v > XMax);

    // Bin edges spanning every binnable value of every series: Bins + 1 increasing values.
    private double[] Edges()
    {
        if (_series.Count == 0)
            throw new InvalidOperationException("The histogram has no series: call AddSeries before rendering.");
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in _series.SelectMany(s => s.Values).Where(Binnable))
            (lo, hi) = (Math.Min(lo, v), Math.Max(hi, v));
        if (lo > hi)
            throw new InvalidOperationException(LogX
                ? "No positive values to bin on the logarithmic x axis."
                : $"No values inside the x range [{XMin}, {XMax}] to bin.");
        if (lo == hi)
            (lo, hi) = LogX ? (lo / 1.5, hi * 1.5) : (lo - Math.Max(0.5, Math.Abs(lo) * 0.1), hi + Math.Max(0.5, Math.Abs(hi) * 0.1));
        var edges = new double[_bins + 1];
        for (int i = 0; i <= _bins; i++)
            edges[i] = LogX ? lo * Math.Pow(hi / lo, (double)i / _bins) : lo + (hi - lo) * i / _bins;
        edges[_bins] = hi;
        return edges;
    }

    // Per series, the height of each bin: a count, or with Normalize the fraction of the series' binned values.
    private double[][] Heights(double[] edges)
    {
        double lo = edges[0], hi = edges[^1];
        return _series.Select(s =>
        {
            var counts = new double[_bins];
            int total = 0;
            foreach (double v in s.Values.Where(Binnable))
            {
                double t = LogX ? Math.Log(v / lo) / Math.Log(hi / lo) : (v - lo) / (hi - lo);
                counts[Math.Clamp((int)(t * _bins), 0, _bins - 1)]++;
                total++;
            }
            if (Normalize && total > 0)
                for (int b = 0; b < _bins; b++)
                    counts[b] /= total;
            return counts;
        }).ToArray();
    }
}
