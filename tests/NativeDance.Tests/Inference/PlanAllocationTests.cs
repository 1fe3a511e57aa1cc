using NativeDance.Pruning.Inference;
using NativeDance.Tensors;
using NativeDance.Tensors.Gemm;
using NativeDance.Tests.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Inference;

/// <summary>Runs alone (the thread count and SIMD width must not change under it): a new worker thread would allocate.</summary>
[Collection(nameof(KernelSettings))]
public class PlanAllocationTests
{
    [Theory]
    [InlineData("tiny-c3d", true)]
    [InlineData("tiny-c3d", false)]
    [InlineData("r3d-18", true)]
    [InlineData("r2plus1d-18", true)]
    public void RunningAClipAllocatesNothing(string architecture, bool gated)
    {
        var model = PlanModels.Create(architecture);
        using var clips = PlanModels.Clips(3, PlanModels.Frames, seed: 14);
        var controller = gated ? PlanModels.Controller(model, clips) : null;
        using var plan = InferencePlan.Compile(model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, controller);
        KernelSettings.Run(SimdDispatch.Best, 2, () => RunsWithoutAllocating(plan, clips));
    }

    private static void RunsWithoutAllocating(InferencePlan plan, Tensor clips)
    {
        var logits = new float[plan.Classes];
        var all = clips.Span;
        for (int n = 0; n < 3; n++) plan.Run(all.Slice(n * plan.ClipLength, plan.ClipLength), logits);
        plan.CollectTimings = true;
        plan.Run(all[..plan.ClipLength], logits);
        SteadyState.AssertAllocatesNothing(() =>
        {
            for (int repeat = 0; repeat < 3; repeat++)
                for (int n = 0; n < 3; n++) plan.Run(clips.Span.Slice(n * plan.ClipLength, plan.ClipLength), logits);
            _ = plan.Counters.Total;
            _ = plan.Counters.Gates;
        });
        // Timings were collected: none negative, and the clip took time (a tiny step can read 0 on a coarse clock).
        var seconds = plan.Counters.StepSeconds.ToArray();
        Assert.All(seconds, s => Assert.True(s >= 0));
        Assert.True(seconds.Sum() > 0);
    }
}
