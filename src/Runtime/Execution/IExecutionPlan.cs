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

/// <summary>Runs one clip into logits: the Run method of a compiled plan.</summary>
internal delegate void ClipRun(ReadOnlySpan<float> clip, Span<float> logits);

/// <summary>
/// An inference plan of any device (<see cref="InferencePlan"/>, the CUDA plan) seen through its Run method and its
/// <see cref="PlanCounters"/>; disposing it disposes the plan.
/// </summary>
internal sealed class CompiledPlan(IDisposable plan, PlanCounters counters, ClipRun run) : IExecutionPlan
{
    public double ExecutedMacRatio => counters.ExecutedMacRatio;

    public double MacRatio => counters.MaskedMacRatio;

    public void Run(ReadOnlySpan<float> clip, Span<float> logits) => run(clip, logits);

    public void Dispose() => plan.Dispose();
}
