namespace NativeDance.Autograd.Optim;

/// <summary>A learning rate as a function of the step (0-based).</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate to use for step <paramref name="step"/>.</summary>
    float At(long step);
}

/// <summary>The base rate multiplied by <paramref name="gamma"/> every <paramref name="stepSize"/> steps.</summary>
public sealed class StepSchedule(float baseRate, long stepSize, float gamma = 0.1f) : ILearningRateSchedule
{
    /// <inheritdoc />
    public float At(long step) => baseRate * MathF.Pow(gamma, step / Math.Max(1, stepSize));
}

/// <summary>Cosine decay from the base rate to <paramref name="minRate"/> over <paramref name="totalSteps"/>.</summary>
public sealed class CosineSchedule(float baseRate, long totalSteps, float minRate = 0f) : ILearningRateSchedule
{
    /// <inheritdoc />
    public float At(long step)
    {
        double t = Math.Clamp((double)step / Math.Max(1, totalSteps), 0, 1);
        return (float)(minRate + 0.5 * (baseRate - minRate) * (1 + Math.Cos(Math.PI * t)));
    }
}

/// <summary>Linear warm-up from near zero to the inner schedule's rate over <paramref name="warmupSteps"/>, then the inner schedule.</summary>
public sealed class LinearWarmup(ILearningRateSchedule inner, long warmupSteps) : ILearningRateSchedule
{
    /// <inheritdoc />
    public float At(long step) => step < warmupSteps ? inner.At(step) * (step + 1) / (warmupSteps + 1) : inner.At(step);
}
