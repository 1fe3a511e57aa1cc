namespace NativeDance.Pruning.Reports;

/// <summary>How a legend entry's sample is drawn.</summary>
internal enum LegendSwatch
{
    Marker,
    LineAndMarker,
    Box,
    DashedLine,
}

/// <summary>One row of a chart legend.</summary>
internal readonly record struct LegendEntry(string Name, Rgb Color, LegendSwatch Swatch, MarkerShape Marker = MarkerShape.Circle);
