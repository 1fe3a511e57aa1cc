namespace NativeDance.Pruning.Reports;

/// <summary>The data rectangle of a chart and the mapping from data values to canvas pixels.</summary>
internal readonly record struct PlotArea(Canvas Canvas, double Left, double Top, double Right, double Bottom, Axis XAxis, Axis YAxis)
{
    public double X(double value) => Left + XAxis.Fraction(value) * (Right - Left);

    public double Y(double value) => Bottom - YAxis.Fraction(value) * (Bottom - Top);

    public double Width => Right - Left;
}
