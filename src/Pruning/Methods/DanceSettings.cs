using NativeDance.Pruning.Dance;

namespace NativeDance.Pruning.Methods;

/// <summary>How <see cref="DanceMethod"/> picks its calibration scale on the validation split.</summary>
public enum DanceCalibration
{
    /// <summary>The cheapest scale within <see cref="DanceSettings.MaxAccuracyLoss"/> of the ungated backbone (DANCE's deployment rule).</summary>
    AccuracyLoss,

    /// <summary>The scale whose MAC ratio is closest to the target (methods compared at matched MACs).</summary>
    MacRatio,
}

/// <summary>
/// One variant of the AAP step: DANCE itself by default; the ablations change the backbone, the masked granularities,
/// the controller's input or the calibration rule, and everything else runs through the same code.
/// </summary>
public sealed record DanceSettings
{
    /// <summary>Short name shown in reports.</summary>
    public string Name { get; init; } = "DANCE";

    /// <summary>DANCE or ablation.</summary>
    public MethodKind Kind { get; init; } = MethodKind.Dance;

    /// <summary>Gate the AVA backbone (true) or the dense one (the "without AVA" ablation).</summary>
    public bool UseAva { get; init; } = true;

    /// <summary>The granularities masked.</summary>
    public MaskGranularity Masks { get; init; } = MaskGranularity.All;

    /// <summary>What the controller's statistics are computed on.</summary>
    public ControllerInput ControllerInput { get; init; } = ControllerInput.FirstActivation;

    /// <summary>How the calibration scale is chosen.</summary>
    public DanceCalibration Calibration { get; init; } = DanceCalibration.AccuracyLoss;

    /// <summary>Validation accuracy loss allowed by <see cref="DanceCalibration.AccuracyLoss"/>, as a fraction (0.005 = 0.5 points).</summary>
    public double MaxAccuracyLoss { get; init; } = 0.005;

    /// <summary>Controller learning rate (AdamW, cosine schedule, no weight decay).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Weight of the budget penalty (lambda_mac).</summary>
    public float MacPenalty { get; init; } = 20f;

    /// <summary>Training batches the controller's feature normalisation is fitted on.</summary>
    public int NormalizationBatches { get; init; } = 16;

    /// <summary>Controller initialisation seed.</summary>
    public ulong Seed { get; init; } = 3;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("A DANCE variant needs a name.");
        if (Kind is not (MethodKind.Dance or MethodKind.Ablation)) throw new ArgumentException($"A DANCE variant is DANCE or an ablation, not {Kind}.");
        if (Masks == MaskGranularity.None || (Masks & ~MaskGranularity.All) != 0) throw new ArgumentException($"A DANCE variant must mask at least one granularity, got {Masks}.");
        if (!(MaxAccuracyLoss >= 0)) throw new ArgumentException($"The accuracy-loss target must not be negative, got {MaxAccuracyLoss}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"The learning rate must be positive, got {LearningRate}.");
        if (!(MacPenalty >= 0)) throw new ArgumentException($"The MAC penalty must not be negative, got {MacPenalty}.");
        if (NormalizationBatches < 1) throw new ArgumentException($"Normalisation needs at least one batch, got {NormalizationBatches}.");
    }
}
