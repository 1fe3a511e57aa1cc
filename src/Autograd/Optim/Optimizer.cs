using NativeDance.Tensors;

namespace NativeDance.Autograd.Optim;

/// <summary>
/// Updates parameters from their accumulated gradients. The learning rate is a settable property so a
/// <see cref="ILearningRateSchedule"/> can drive it; the step count and per-parameter state are exposed for checkpoints.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Creates an optimizer for <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">The learning rate is negative or a parameter is not a trainable leaf.</exception>
    protected Optimizer(IEnumerable<Variable> parameters, float learningRate)
    {
        Parameters = parameters.ToList();
        if (Parameters.Any(p => !p.IsLeaf || !p.RequiresGrad))
            throw new ArgumentException("Optimizers update trainable leaf variables only (Variable.Parameter).", nameof(parameters));
        LearningRate = learningRate;
    }

    /// <summary>The parameters updated, in order.</summary>
    public IReadOnlyList<Variable> Parameters { get; }

    /// <summary>Current learning rate.</summary>
    public float LearningRate
    {
        get;
        set => field = value >= 0 && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be non-negative and finite.");
    }

    /// <summary>Number of steps taken.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update to every parameter that has a gradient. Runs without recording a graph.</summary>
    public void Step()
    {
        using var _ = GradMode.NoGrad();
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            using var grad = p.Grad.Contiguous();
            Update(i, p.Value.Span, grad.Span);
        }
    }

    /// <summary>Clears the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>Named state tensors (momentum, moments) for checkpoints, in a stable order.</summary>
    public abstract IEnumerable<(string Name, Tensor State)> State();

    /// <summary>Restores the step count after loading <see cref="State"/>'s tensors.</summary>
    public void RestoreStepCount(long steps) => StepCount = steps >= 0 ? steps : throw new ArgumentOutOfRangeException(nameof(steps));

    /// <summary>Updates parameter <paramref name="index"/> in place.</summary>
    protected abstract void Update(int index, Span<float> value, ReadOnlySpan<float> grad);

    /// <summary>One zero tensor per parameter, shaped like it.</summary>
    protected Tensor[] ZerosLikeParameters() => Parameters.Select(p => Tensor.Zeros(p.Shape)).ToArray();
}
