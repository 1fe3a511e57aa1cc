namespace NativeDance.Pruning.Reports;

/// <summary>
/// Common frame of every chart: title, axes with nice ticks and labels, light grid, the data, and a legend to the right
/// of the plot. Subclasses supply the axes, the legend entries and the drawing of the data.
/// </summary>
public abstract class Chart
{
    private const int Pad = 14;
    private const int TickLength = 5;
    private const int TextScale = 2;
    private const int TitleScale = 3;
    private const int LegendRow = 24;
    private const int LegendSample = 30;

    private static readonly Rgb Ink = Rgb.FromHex("#222222");
    private static readonly Rgb Frame = Rgb.FromHex("#555555");
    private static readonly Rgb Grid = Rgb.FromHex("#E4E4E4");

    private protected Chart()
    {
    }

    /// <summary>Title drawn above the plot; empty for none.</summary>
    public string Title { get; set; } = "";

    /// <summary>Title of the horizontal axis; empty for none.</summary>
    public string XLabel { get; set; } = "";

    /// <summary>Title of the vertical axis; empty for none.</summary>
    public string YLabel { get; set; } = "";

    /// <summary>Image width in pixels (default 800).</summary>
    public int Width { get; set; } = 800;

    /// <summary>Image height in pixels (default 500).</summary>
    public int Height { get; set; } = 500;

    /// <summary>Logarithmic vertical axis; values that are not positive are skipped.</summary>
    public bool LogY { get; set; }

    /// <summary>Pins the bottom of the vertical axis; null chooses a nice bound from the data.</summary>
    public double? YMin { get; set; }

    /// <summary>Pins the top of the vertical axis; null chooses a nice bound from the data.</summary>
    public double? YMax { get; set; }

    /// <summary>Draws the chart onto a new white canvas.</summary>
    /// <exception cref="InvalidOperationException">No data was added, or none of it can be placed on a logarithmic axis.</exception>
    /// <exception cref="ArgumentException">The size is below 200x150, leaves no room for the plot, or a pinned axis range is empty.</exception>
    public Canvas Render() => RenderWithLayout().Canvas;

    /// <summary>Renders the chart and also returns where the data rectangle landed (tests use it to locate drawn marks).</summary>
    internal (Canvas Canvas, PlotArea Plot) RenderWithLayout()
    {
        if (Width < 200 || Height < 150)
            throw new ArgumentException($"Chart size {Width}x{Height} is too small: it needs at least 200x150 pixels.");
        Axis y = BuildYAxis(maxTicks: Math.Clamp((Height - 150) / 45, 2, 10));
        IReadOnlyList<LegendEntry> legend = LegendEntries();
        var canvas = new Canvas(Width, Height, Rgb.White);

        int textHeight = BitmapFont.Ascent * TextScale;
        int yTickWidth = y.Labels.Select(l => BitmapFont.MeasureWidth(l, TextScale)).DefaultIfEmpty(0).Max();
        int legendWidth = legend.Count == 0 ? 0 : legend.Max(e => BitmapFont.MeasureWidth(e.Name, TextScale)) + LegendSample + 3 * 8;
        // The legend sits right of the plot unless that would take more than two fifths of the width; then it overlays the plot.
        bool legendOutside = legendWidth > 0 && legendWidth + Pad <= Width * 2 / 5;
        double top = Pad + (Title.Length > 0 ? BitmapFont.Ascent * TitleScale + Pad : textHeight / 2);
        double left = Pad + (YLabel.Length > 0 ? textHeight + Pad : 0) + yTickWidth + TickLength + 6;

        // Fewer x ticks until neighbouring labels no longer collide.
        Axis x;
        double right;
        int xTicks = Math.Clamp((Width - 200) / 70, 2, 10);
        while (true)
        {
            x = BuildXAxis(xTicks);
            int lastXLabelHalf = x.Labels.Count == 0 ? 0 : BitmapFont.MeasureWidth(x.Labels[^1], TextScale) / 2;
            right = Width - Pad - Math.Max(lastXLabelHalf, legendOutside ? legendWidth + Pad : 0);
            if (x.IsCategorical || xTicks == 2 || !XLabelsCollide(x, right - left))
                break;
            xTicks--;
        }
        double slot = x.IsCategorical ? (right - left) / x.Labels.Count : double.MaxValue;
        bool verticalXLabels = x.IsCategorical && x.Labels.Any(l => BitmapFont.MeasureWidth(l, TextScale) > slot - 10);
        int xTickHeight = verticalXLabels ? x.Labels.Max(l => BitmapFont.MeasureWidth(l, TextScale)) : textHeight;
        double bottom = Height - Pad - (XLabel.Length > 0 ? textHeight + Pad : 0) - xTickHeight - TickLength - 8;
        if (right - left < 50 || bottom - top < 50)
            throw new ArgumentException($"Chart size {Width}x{Height} leaves no room for the plot next to its labels and legend.");

        var plot = new PlotArea(canvas, Math.Round(left), Math.Round(top), Math.Round(right), Math.Round(bottom), x, y);
        DrawGridAndTicks(plot, verticalXLabels);
        canvas.SetClip((int)plot.Left, (int)plot.Top, (int)plot.Right + 1, (int)plot.Bottom + 1);
        DrawData(plot);
        canvas.ResetClip();
        DrawFrame(plot);
        DrawTitles(plot);
        if (legend.Count > 0)
            DrawLegend(canvas, legend, legendOutside ? (int)plot.Right + Pad : (int)plot.Right - legendWidth - 6, (int)plot.Top + (legendOutside ? 0 : 6), legendWidth);
        return (canvas, plot);
    }

    /// <summary>Renders the chart and writes it as a PNG file, atomically (temporary file, then rename).</summary>
    public void SavePng(string path) => Render().SavePng(path);

    private protected abstract Axis BuildXAxis(int maxTicks);

    private protected abstract Axis BuildYAxis(int maxTicks);

    private protected abstract IReadOnlyList<LegendEntry> LegendEntries();

    private protected abstract void DrawData(PlotArea plot);

    /// <summary>Checks a series name: non-empty and not already used in this chart.</summary>
    private protected static void CheckName(string name, IEnumerable<string> existing)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("Series name is empty.", nameof(name));
        if (existing.Contains(name))
            throw new ArgumentException($"Series '{name}' was already added to this chart.", nameof(name));
    }

    /// <summary>Smallest and largest of the plottable values, widened by <paramref name="margin"/> of the span (multiplicatively on a log axis), never below zero for non-negative data.</summary>
    private protected static (double Min, double Max) PaddedRange(IEnumerable<double> values, bool log, double margin, string axisName)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
            if (double.IsFinite(v) && (!log || v > 0))
                (min, max) = (Math.Min(min, v), Math.Max(max, v));
        if (min > max)
            throw new InvalidOperationException(log
                ? $"No positive values to place on the logarithmic {axisName} axis."
                : $"No finite values to place on the {axisName} axis.");
        if (log)
        {
            double f = Math.Pow(max / min, margin);
            return (min / f, max * f);
        }
        double span = max - min;
        // Padding never pushes non-negative data (counts, MACs, magnitudes) below zero.
        return (min >= 0 ? Math.Max(0, min - span * margin) : min - span * margin, max + span * margin);
    }

    private static bool XLabelsCollide(Axis x, double plotWidth)
    {
        for (int i = 1; i < x.Ticks.Count; i++)
        {
            double distance = (x.Fraction(x.Ticks[i]) - x.Fraction(x.Ticks[i - 1])) * plotWidth;
            double halfWidths = (BitmapFont.MeasureWidth(x.Labels[i - 1], TextScale) + BitmapFont.MeasureWidth(x.Labels[i], TextScale)) / 2.0;
            if (distance < halfWidths + 12)
                return true;
        }
        return false;
    }

    private void DrawGridAndTicks(PlotArea plot, bool verticalXLabels)
    {
        Canvas canvas = plot.Canvas;
        int textHeight = BitmapFont.Ascent * TextScale;
        for (int i = 0; i < plot.YAxis.Ticks.Count; i++)
        {
            double py = Math.Round(plot.Y(plot.YAxis.Ticks[i])) + 0.5;
            canvas.DrawLine(plot.Left, py, plot.Right, py, 1, Grid);
            canvas.DrawLine(plot.Left - TickLength, py, plot.Left, py, 1, Frame);
            string label = plot.YAxis.Labels[i];
            canvas.DrawText(label, (int)plot.Left - TickLength - 6 - BitmapFont.MeasureWidth(label, TextScale),
                (int)Math.Round(py - textHeight / 2.0), Ink, TextScale);
        }
        for (int i = 0; i < plot.XAxis.Ticks.Count; i++)
        {
            double px = Math.Round(plot.X(plot.XAxis.Ticks[i])) + 0.5;
            if (!plot.XAxis.IsCategorical)
                canvas.DrawLine(px, plot.Top, px, plot.Bottom, 1, Grid);
            canvas.DrawLine(px, plot.Bottom, px, plot.Bottom + TickLength, 1, Frame);
            string label = plot.XAxis.Labels[i];
            int width = BitmapFont.MeasureWidth(label, TextScale);
            int labelTop = (int)plot.Bottom + TickLength + 6;
            if (verticalXLabels)
                canvas.DrawText(label, (int)Math.Round(px - textHeight / 2.0), labelTop + width, Ink, TextScale, vertical: true);
            else
                canvas.DrawText(label, (int)Math.Round(px - width / 2.0), labelTop, Ink, TextScale);
        }
    }

    private static void DrawFrame(PlotArea plot)
    {
        double l = plot.Left + 0.5, t = plot.Top + 0.5, r = plot.Right + 0.5, b = plot.Bottom + 0.5;
        plot.Canvas.DrawLine(l, t, r, t, 1, Frame);
        plot.Canvas.DrawLine(r, t, r, b, 1, Frame);
        plot.Canvas.DrawLine(l, b, r, b, 1, Frame);
        plot.Canvas.DrawLine(l, t, l, b, 1, Frame);
    }

    private void DrawTitles(PlotArea plot)
    {
        Canvas canvas = plot.Canvas;
        if (Title.Length > 0)
        {
            int scale = BitmapFont.MeasureWidth(Title, TitleScale) <= Width - 2 * Pad ? TitleScale : TextScale;
            int width = BitmapFont.MeasureWidth(Title, scale);
            canvas.DrawText(Title, (int)Math.Round(Math.Max(Pad, (Width - width) / 2.0)), Pad, Ink, scale);
        }
        if (XLabel.Length > 0)
        {
            int width = BitmapFont.MeasureWidth(XLabel, TextScale);
            canvas.DrawText(XLabel, (int)Math.Round((plot.Left + plot.Right - width) / 2), Height - Pad - BitmapFont.Ascent * TextScale, Ink, TextScale);
        }
        if (YLabel.Length > 0)
        {
            int width = BitmapFont.MeasureWidth(YLabel, TextScale);
            canvas.DrawText(YLabel, Pad, (int)Math.Round((plot.Top + plot.Bottom + width) / 2), Ink, TextScale, vertical: true);
        }
    }

    private static void DrawLegend(Canvas canvas, IReadOnlyList<LegendEntry> entries, int x, int y, int width)
    {
        int height = entries.Count * LegendRow + 8;
        canvas.FillRect(x, y, x + width, y + height, Rgb.FromHex("#FAFAFA"));
        canvas.DrawLine(x + 0.5, y + 0.5, x + width - 0.5, y + 0.5, 1, Grid);
        canvas.DrawLine(x + 0.5, y + height - 0.5, x + width - 0.5, y + height - 0.5, 1, Grid);
        canvas.DrawLine(x + 0.5, y + 0.5, x + 0.5, y + height - 0.5, 1, Grid);
        canvas.DrawLine(x + width - 0.5, y + 0.5, x + width - 0.5, y + height - 0.5, 1, Grid);
        for (int i = 0; i < entries.Count; i++)
        {
            LegendEntry e = entries[i];
            double cy = y + 4 + i * LegendRow + LegendRow / 2.0;
            double sx0 = x + 8, sx1 = x + 8 + LegendSample;
            switch (e.Swatch)
            {
                case LegendSwatch.Box:
                    canvas.FillRect(sx0 + 4, cy - 7, sx1 - 4, cy + 7, e.Color);
                    break;
                case LegendSwatch.DashedLine:
                    canvas.DrawDashedLine(sx0, cy, sx1, cy, 2, e.Color, dash: 6, gap: 4);
                    break;
                case LegendSwatch.LineAndMarker:
                    canvas.DrawLine(sx0, cy, sx1, cy, 2, e.Color);
                    DrawMarker(canvas, e.Marker, (sx0 + sx1) / 2, cy, e.Color);
                    break;
                default:
                    DrawMarker(canvas, e.Marker, (sx0 + sx1) / 2, cy, e.Color);
                    break;
            }
            canvas.DrawText(e.Name, (int)sx1 + 8, (int)Math.Round(cy - BitmapFont.Ascent * TextScale / 2.0), Ink, TextScale);
        }
    }

    /// <summary>Draws a data marker with a thin white halo, so markers stay visible where they overlap lines and each other.</summary>
    private protected static void DrawMarker(Canvas canvas, MarkerShape shape, double cx, double cy, Rgb color)
    {
        const double size = 10;
        canvas.FillMarker(shape, cx, cy, size + 3, Rgb.White);
        canvas.FillMarker(shape, cx, cy, size, color);
    }
}
