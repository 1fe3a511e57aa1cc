using NativeDance.Pruning.Inference;

namespace NativeDance.Runtime.Execution;

/// <summary>
/// A model compiled for one clip shape on one device: runs a clip into logits without allocating, and tells what the last
/// run executed. Not thread-safe: <see cref="PlanPool"/> gives each concurrent caller its own.
/// </summary>
internal interface IExecutionPlan : IDisposable
{
    /// <summary>Runs one clip ([T, H, W, 3] channels-last) and writes its logits.</summary>
    void Run(ReadOnlySpan<float> clip, Span<float> logits);

    /// <summary>Executed conv MACs of the last run over those of the dense network.</summary>
    double ExecutedMacRatio { get; }

    /// <summary>METHOD.md's R(x) of the last run.</summary>
    double MacRatio { get; }
}

/// <summary>An inference plan of any device (<see cref="InferencePlan"/>, the CUDA plan); disposing it disposes the plan.</summary>
internal sealed class CompiledPlan(IInferencePlan plan) : IExecutionPlan
{
    public double ExecutedMacRatio => plan.Counters.ExecutedMacRatio;

    public double MacRatio => plan.Counters.MaskedMacRatio;

    public void Run(ReadOnlySpan<float> clip, Span<float> logits) => plan.Run(clip, logits);

    public void Dispose() => plan.Dispose();
}
