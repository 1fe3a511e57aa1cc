namespace NativeDance.Tensors.Ops;

/// <summary>Settings of a batch norm, with PyTorch's defaults and meaning.</summary>
/// <example><code>var options = new BatchNormOptions(epsilon: 1e-3f, momentum: 0.01f);</code></example>
public readonly record struct BatchNormOptions
{
    /// <summary>Validates the settings.</summary>
    /// <param name="epsilon">Added to the variance before the square root; finite and non-negative.</param>
    /// <param name="momentum">Weight of the new batch in the running averages: running = (1 - momentum) * running + momentum * batch; in [0, 1].</param>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public BatchNormOptions(float epsilon, float momentum)
    {
        if (!(epsilon >= 0 && float.IsFinite(epsilon)))
            throw new ArgumentException($"Batch norm epsilon must be finite and non-negative, got {epsilon}.", nameof(epsilon));
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentException($"Batch norm momentum must lie in [0, 1], got {momentum}.", nameof(momentum));
        Epsilon = epsilon;
        Momentum = momentum;
    }

    /// <summary>PyTorch's defaults: epsilon 1e-5, momentum 0.1.</summary>
    public static BatchNormOptions Default { get; } = new(1e-5f, 0.1f);

    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; }

    /// <summary>Weight of the new batch in the running averages.</summary>
    public float Momentum { get; }
}
