namespace NativeDance.Data.Procedural;

/// <summary>The classes of the procedural dataset: each is a kind of motion, so telling them apart needs time.</summary>
public enum MotionClass
{
    /// <summary>Nothing moves.</summary>
    Static,
    /// <summary>Objects drift right at a moderate speed.</summary>
    Right,
    /// <summary>Objects drift left.</summary>
    Left,
    /// <summary>Objects drift up.</summary>
    Up,
    /// <summary>Objects drift down.</summary>
    Down,
    /// <summary>Objects move right about three times faster than <see cref="Right"/>: only speed separates the two.</summary>
    FastRight,
    /// <summary>Objects spin clockwise in place.</summary>
    RotateClockwise,
    /// <summary>Objects spin counter-clockwise in place.</summary>
    RotateCounterClockwise,
    /// <summary>Objects grow steadily.</summary>
    Expand,
    /// <summary>Objects swing left and right periodically.</summary>
    Oscillate,
}
