namespace NativeDance.Pruning.Reports;

/// <summary>
/// Grouped bars: one group per category along the x axis, one bar per series in each group, e.g. the per-layer keep
/// ratios of the frame, channel and feature masks. NaN values leave their bar out.
/// </summary>
/// <example><code>
/// new BarChart(["conv2", "conv3a", "conv3b"]) { Title = "Keep ratio per layer", YLabel = "kept fraction", YMax = 1 }
///     .AddSeries("frames", [0.75, 0.5, 0.5])
///     .AddSeries("channels", [0.9, 0.6, 0.4])
///     .SavePng("keep_ratios.png");
/// </code></example>
public sealed class BarChart : Chart
{
    private const double GroupFill = 0.8; // fraction of a category's slot covered by its bars

    private readonly string[] _categories;
    private readonly List<(string Name, double[] Values)> _series = [];

    /// <summary>Creates a chart with one bar group per entry of <paramref name="categories"/>, in order.</summary>
    /// <exception cref="ArgumentException">There are no categories, or one is empty.</exception>
    public BarChart(IReadOnlyList<string> categories)
    {
        if (categories.Count == 0)
            throw new ArgumentException("A bar chart needs at least one category.", nameof(categories));
        if (categories.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("Bar chart category names must not be empty.", nameof(categories));
        _categories = categories.ToArray();
    }

    /// <summary>Adds a series with one value per category (NaN for no bar); returns this chart.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken, the value count differs from the category count, or no value is finite.</exception>
    public BarChart AddSeries(string name, IReadOnlyList<double> values)
    {
        CheckName(name, _series.Select(s => s.Name));
        if (values.Count != _categories.Length)
            throw new ArgumentException($"Series '{name}' has {values.Count} values but the chart has {_categories.Length} categories.");
        if (!values.Any(double.IsFinite))
            throw new ArgumentException($"Series '{name}' has no finite value.");
        _series.Add((name, values.ToArray()));
        return this;
    }

    private protected override Axis BuildXAxis(int maxTicks) => Axis.Categories(_categories);

    private protected override Axis BuildYAxis(int maxTicks)
    {
        if (_series.Count == 0)
            throw new InvalidOperationException("The bar chart has no series: call AddSeries before rendering.");
        IEnumerable<double> values = _series.SelectMany(s => s.Values);
        if (LogY)
        {
            var (logMin, logMax) = PaddedRange(values, log: true, 0.05, "y");
            return Axis.Numeric(logMin, logMax, log: true, YMin, YMax, "y", maxTicks);
        }
        // Bars grow from zero, so the axis keeps zero as a bound and pads only the side(s) the bars reach into.
        var (lo, hi) = PaddedRange(values.Append(0), log: false, 0.04, "y");
        double min = values.Where(double.IsFinite).Min(), max = values.Where(double.IsFinite).Max();
        return Axis.Numeric(min < 0 ? lo : 0, max > 0 ? hi : 0, log: false, YMin, YMax, "y", maxTicks);
    }

    private protected override IReadOnlyList<LegendEntry> LegendEntries() =>
        _series.Select((s, i) => new LegendEntry(s.Name, Palette.SeriesColor(i), LegendSwatch.Box)).ToArray();

    private protected override void DrawData(PlotArea plot)
    {
        double slot = plot.Width / _categories.Length;
        double barWidth = slot * GroupFill / _series.Count;
        double baseline = plot.YAxis.IsLog ? plot.Bottom : plot.Y(Math.Clamp(0, plot.YAxis.Min, plot.YAxis.Max));
        double gap = barWidth >= 6 ? 1 : 0; // a hairline between neighbouring bars while they are wide enough to keep it
        for (int c = 0; c < _categories.Length; c++)
        {
            double groupLeft = plot.X(c) - slot * GroupFill / 2;
            for (int s = 0; s < _series.Count; s++)
            {
                double v = _series[s].Values[c];
                if (!plot.YAxis.CanPlot(v))
                    continue;
                double x0 = groupLeft + s * barWidth;
                plot.Canvas.FillRect(x0 + gap, plot.Y(v), x0 + barWidth - gap, baseline, Palette.SeriesColor(s));
            }
        }
    }
}
