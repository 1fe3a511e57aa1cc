namespace NativeDance.Pruning.Baselines;

/// <summary>What every baseline shares: how it fine-tunes and how it tunes its knob to the target MAC ratio.</summary>
public sealed record BaselineOptions
{
    /// <summary>Fine-tuning settings.</summary>
    public FineTuningOptions FineTuning { get; init; } = new();

    /// <summary>Validation clips the knob search evaluates (the first ones of the split, cached once).</summary>
    public int TuningClips { get; init; } = 64;

    /// <summary>The search stops once the mean MAC ratio is this close to the target.</summary>
    public double Tolerance { get; init; } = 0.01;

    /// <summary>Most evaluations of the tuning clips per search.</summary>
    public int MaxSearchEvaluations { get; init; } = 8;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A count or the tolerance is out of range.</exception>
    public void Validate()
    {
        FineTuning.Validate();
        if (TuningClips < 1 || !(Tolerance > 0) || MaxSearchEvaluations < 2)
            throw new ArgumentException($"Tuning clips ({TuningClips}) must be positive, tolerance ({Tolerance}) positive and search evaluations ({MaxSearchEvaluations}) at least 2.");
    }
}
