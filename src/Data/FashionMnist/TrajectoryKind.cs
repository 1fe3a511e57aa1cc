namespace NativeDance.Data.FashionMnist;

/// <summary>How a garment moves across the canvas.</summary>
public enum TrajectoryKind
{
    /// <summary>Constant velocity, reflected at the canvas borders (Moving MNIST's motion).</summary>
    Bounce,
    /// <summary>The velocity drifts randomly every frame (speed kept within bounds), still reflected at the borders.</summary>
    RandomWalk,
}
