namespace NativeDance.Pruning.Dance;

/// <summary>
/// Settings of AAP controller training (METHOD.md step 2):
/// L = tau^2 * KL(p_AVA || p~) + CE(y, p~) + lambda_mac * max(0, R(x) - B)^2, straight-through masks with T_s annealed.
/// </summary>
public sealed record AapOptions
{
    /// <summary>Target executed-MAC ratio B in (0, 1].</summary>
    public float Budget { get; init; } = 0.4f;

    /// <summary>Weight of the budget penalty (lambda_mac).</summary>
    public float MacPenalty { get; init; } = 20f;

    /// <summary>Distillation temperature (tau).</summary>
    public float Temperature { get; init; } = 4f;

    /// <summary>Surrogate temperature at the start of training.</summary>
    public float SurrogateStart { get; init; } = 1f;

    /// <summary>Surrogate temperature at the end of training (annealed geometrically).</summary>
    public float SurrogateEnd { get; init; } = 0.1f;

    /// <summary>Multiplier every controller output starts from.</summary>
    public float InitialMultiplier { get; init; } = 0.5f;

    /// <summary>The granularities the controller masks (the ablations remove one).</summary>
    public MaskGranularity Masks { get; init; } = MaskGranularity.All;

    /// <summary>What the controller's statistics are computed on (the ablation feeds it the raw clip).</summary>
    public ControllerInput ControllerInput { get; init; } = ControllerInput.FirstActivation;

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        if (!(Budget > 0 && Budget <= 1)) throw new ArgumentException($"The MAC budget must lie in (0, 1], got {Budget}.");
        if (MacPenalty < 0 || !(Temperature > 0) || !(SurrogateStart > 0) || !(SurrogateEnd > 0))
            throw new ArgumentException("AAP's penalty must be non-negative and its temperatures positive.");
        if ((Masks & ~MaskGranularity.All) != 0) throw new ArgumentException($"Unknown mask granularities {Masks}.");
    }
}
