namespace NativeDance.Data.FashionMnist;

/// <summary>How Moving Fashion-MNIST clips look. Defaults: 16 frames of 64x64 RGB, 28-pixel garments bouncing at 1-3 pixels per frame.</summary>
public sealed record MovingFashionMnistOptions
{
    /// <summary>Clip size; 1 (grey) or 3 (RGB) channels.</summary>
    public ClipSpec Spec { get; init; } = new(16, 64, 64, 3);

    /// <summary>
    /// Height of the drawn garment in pixels (its width follows the image's aspect ratio); null draws it at native size,
    /// shrunk if the canvas is smaller.
    /// </summary>
    public int? GarmentSize { get; init; }

    /// <summary>How garments move.</summary>
    public TrajectoryKind Trajectory { get; init; } = TrajectoryKind.Bounce;

    /// <summary>Slowest speed in pixels per frame.</summary>
    public float MinSpeed { get; init; } = 1f;

    /// <summary>Fastest speed in pixels per frame.</summary>
    public float MaxSpeed { get; init; } = 3f;

    /// <summary>Adds a second, smaller sprite cut from another image of the split, moving on its own: clutter that is not the label.</summary>
    public bool Distractor { get; init; }

    /// <summary>Grey or tinted garments (tinting needs 3 channels).</summary>
    public GarmentColouring Colouring { get; init; } = GarmentColouring.Grey;

    /// <summary>Share of every class of the training file held out as the validation split (default 1/12: 5,000 of 60,000).</summary>
    public double ValidationFraction { get; init; } = 1.0 / 12;

    /// <summary>
    /// When a loader passes a sample seed (<see cref="ISeededClipDataset"/>), training clips get a new trajectory, tint and
    /// distractor from it, so each epoch shows the same garments moving differently. Validation and test clips never change.
    /// </summary>
    public bool FreshTrainingTrajectories { get; init; } = true;

    /// <summary>Fixes trajectories, tints and distractors. The validation hold-out does not depend on it, so every seed validates on the same images.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The drawn garment's height and width for images of <paramref name="rows"/> x <paramref name="columns"/>.</summary>
    internal (int Height, int Width) GarmentExtent(int rows, int columns)
    {
        double aspect = (double)columns / rows;
        int height = GarmentSize ?? Math.Min(rows, (int)Math.Min(Spec.Height, Spec.Width / aspect));
        return (height, Math.Max(1, (int)Math.Round(height * aspect)));
    }

    internal void Validate(int rows, int columns)
    {
        if (Spec.Frames < 1 || Spec.Height < 1 || Spec.Width < 1 || Spec.Channels is not (1 or 3))
            throw new ArgumentException($"Moving Fashion-MNIST clips need at least one frame and pixel and 1 or 3 channels; got {Spec}.", nameof(Spec));
        var (height, width) = GarmentExtent(rows, columns);
        if (height < 2 || width < 2 || height > Spec.Height || width > Spec.Width)
            throw new ArgumentException($"A {height}x{width} garment must be at least 2 pixels a side and fit the {Spec.Height}x{Spec.Width} canvas.", nameof(GarmentSize));
        if (!(MinSpeed >= 0 && MaxSpeed >= MinSpeed && float.IsFinite(MaxSpeed)))
            throw new ArgumentException($"Speeds must satisfy 0 <= MinSpeed <= MaxSpeed; got {MinSpeed} and {MaxSpeed}.", nameof(MinSpeed));
        if (Colouring == GarmentColouring.Tinted && Spec.Channels != 3)
            throw new ArgumentException($"Tinted garments need 3 channels; the clip has {Spec.Channels}.", nameof(Colouring));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentException($"Validation fraction must lie in [0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
    }
}
