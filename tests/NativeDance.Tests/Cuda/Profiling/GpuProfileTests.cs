using NativeDance.Cuda.Profiling;
using NativeDance.Pruning.Profiling;
using NativeDance.Tests.Cuda.Driver;
using NativeDance.Tests.Inference;
using NativeDance.Tests.Profiling;

namespace NativeDance.Tests.Cuda.Profiling;

/// <summary>The GPU profile on a real GPU: CUDA-event step times and the measured roofs; skipped without a GPU.</summary>
[Collection(nameof(GpuCollection))]
[Trait("Category", "Gpu")]
public class GpuProfileTests(GpuFixture gpu)
{
    [Fact]
    public void EventTimedStepsFitInsideTheClipsAndTheMasksInsideTheirSteps()
    {
        var model = PlanModels.Create("tiny-c3d");
        using var clips = PlanModels.Clips(ProfileFixture.ClipCount, PlanModels.Frames, seed: 21);
        var controller = PlanModels.Controller(model, clips);
        var compile = CudaPlanFactory.Create(model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, gpu.Sm80Device);
        using var dense = compile(null, 1f);
        using var gated = compile(controller, ProfileFixture.Scale);
        var profile = PlanProfiler.Profile(dense, gated, clips.Span, new ProfileSettings { Repeats = 2, WarmupRuns = 2, MinWarmupSeconds = 0 });
        foreach (var runs in profile.Plans)
        {
            Assert.Equal("gpu", runs.Device);
            for (int r = 0; r < runs.Count; r++)
            {
                double steps = 0;
                foreach (double s in runs.StepSeconds(r)) steps += s;
                Assert.True(steps > 0 && steps <= runs.ClipSeconds(r), $"{runs.Name} run {r}: steps {steps} s, clip {runs.ClipSeconds(r)} s");
            }
        }
        foreach (var row in ProfileSummary.Rows(profile.Gated!, profile.Dense, ProfileFixture.Roofs).Where(r => r.Kernel is not null))
            Assert.True(row.MaskMilliseconds > 0 && row.KernelMilliseconds > 0, row.Step);
    }

    [Fact]
    public void MeasuredRoofsArePositiveAndNameTheDevice()
    {
        var device = gpu.Sm80Device;
        var roofs = GpuPeakProbe.Measure(device);
        Assert.True(roofs.Gflops > 100 && roofs.GBs > 10, roofs.Description);
        Assert.Contains(device.Name, roofs.Description);
    }
}
