namespace NativeDance.Pruning.Dance;

/// <summary>
/// Settings of AVA fine-tuning (METHOD.md step 1): L = CE + alpha * tau^2 * KL(p_dense || p) - lambda * mean_l sum_g w_g log(eps + CV2_g(X_l)) + beta * mean|X|.
/// </summary>
public sealed record AvaOptions
{
    /// <summary>Weight of the variability term (lambda_v), reached after the warm-up.</summary>
    public float Lambda { get; init; } = 0.05f;

    /// <summary>Fraction of the run over which lambda rises linearly from 0.</summary>
    public double LambdaWarmup { get; init; } = 0.25;

    /// <summary>Weights (w_E, w_C, w_F) of the element, channel and frame granularities.</summary>
    public (float Elements, float Channels, float Frames) Weights { get; init; } = (1f, 1f, 1f);

    /// <summary>Weight of distillation from the dense model (alpha).</summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>Distillation temperature (tau).</summary>
    public float Temperature { get; init; } = 4f;

    /// <summary>Optional L1 penalty on the gated activations (beta).</summary>
    public float L1 { get; init; }

    /// <summary>Guard inside the logarithm.</summary>
    public float Epsilon { get; init; } = 1e-4f;

    /// <summary>Use the across-batch CV2 of channel means instead of the per-clip channel CV2 (ablation).</summary>
    public bool AcrossBatch { get; init; }
}
