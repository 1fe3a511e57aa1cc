using NativeDance.Data;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;

namespace NativeDance.Runtime.Execution;

/// <summary>The CPU: <see cref="InferencePlan"/>s.</summary>
internal sealed class CpuBackend : IExecutionBackend
{
    public static CpuBackend Instance { get; } = new();

    public ComputeDevice Device => ComputeDevice.Cpu;

    public IExecutionPlan Compile(Module model, ClipSpec clip, AapController? controller, float scale) =>
        new Plan(InferencePlan.Compile(model, clip.Frames, clip.Height, clip.Width, controller, scale));

    private sealed class Plan(InferencePlan plan) : IExecutionPlan
    {
        public double ExecutedMacRatio => plan.Counters.ExecutedMacRatio;

        public double MacRatio => plan.Counters.MaskedMacRatio;

        public void Run(ReadOnlySpan<float> clip, Span<float> logits) => plan.Run(clip, logits);

        public void Dispose() => plan.Dispose();
    }
}
