namespace NativeDance.Pruning.Reports;

/// <summary>Marker shapes; series cycle through them so they stay distinguishable without colour.</summary>
public enum MarkerShape
{
    /// <summary>Filled circle.</summary>
    Circle,
    /// <summary>Filled axis-aligned square.</summary>
    Square,
    /// <summary>Filled triangle pointing up.</summary>
    TriangleUp,
    /// <summary>Filled square rotated by 45 degrees.</summary>
    Diamond,
    /// <summary>Filled triangle pointing down.</summary>
    TriangleDown,
}
