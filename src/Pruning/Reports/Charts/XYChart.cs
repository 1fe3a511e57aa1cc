namespace NativeDance.Pruning.Reports;

/// <summary>A chart whose horizontal axis is numeric (linear or logarithmic).</summary>
public abstract class XYChart : Chart
{
    private protected XYChart()
    {
    }

    /// <summary>Logarithmic horizontal axis; values that are not positive are skipped.</summary>
    public bool LogX { get; set; }

    /// <summary>Pins the left end of the horizontal axis; null chooses a nice bound from the data.</summary>
    public double? XMin { get; set; }

    /// <summary>Pins the right end of the horizontal axis; null chooses a nice bound from the data.</summary>
    public double? XMax { get; set; }
}
