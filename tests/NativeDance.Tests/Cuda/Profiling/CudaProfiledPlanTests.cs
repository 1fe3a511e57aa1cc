using NativeDance.Cuda.Inference;
using NativeDance.Pruning.Inference;
using NativeDance.Pruning.Profiling;
using NativeDance.Tests.Cuda.Inference;
using NativeDance.Tests.Inference;
using NativeDance.Tests.Profiling;

namespace NativeDance.Tests.Cuda.Profiling;

/// <summary>
/// The profiler over a <see cref="ProfiledPlan"/> of a <see cref="CudaInferencePlan"/> on the PTX interpreter: per-step
/// timing markers where the plan puts them, and a profile whose rows count what the CPU plan counts on the same clips.
/// </summary>
public class CudaProfiledPlanTests(InterpretedProfileFixture fixture) : IClassFixture<InterpretedProfileFixture>
{
    [Fact]
    public void UntimedRunsRecordNoMarkersAndTimedRunsOnePerStepGateAndEnd()
    {
        var device = new InterpretedKernelDevice(4);
        using var plan = CudaInferencePlan.Compile(device, fixture.Model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, fixture.Controller, ProfileFixture.Scale);
        var clip = fixture.Clips.AsSpan(0, plan.ClipLength);
        var logits = new float[plan.Classes];
        plan.Run(clip, logits);
        Assert.Equal(0, device.MarkersRecorded);
        Assert.All(plan.Counters.StepSeconds.ToArray(), s => Assert.Equal(0, s));
        plan.CollectTimings = true;
        plan.Run(clip, logits);
        Assert.Equal(plan.StepNames.Count + 1 + fixture.Controller.Gates, device.MarkersRecorded);
        var seconds = plan.Counters.StepSeconds.ToArray();
        Assert.Equal(plan.StepNames.Count, seconds.Length);
        Assert.All(seconds, s => Assert.True(s >= 0));
        for (int s = 0; s < seconds.Length; s++)
        {
            int layer = plan.StepLayers[s];
            if (layer < 0 || plan.Layers[layer].Gate < 0) continue;
            double mask = plan.Counters.GateMaskSeconds[plan.Layers[layer].Gate];
            Assert.True(mask > 0 && mask < seconds[s], $"{plan.StepNames[s]}: masks {mask} s of a {seconds[s]} s step");
        }
        // Every conv, pool and linear launches kernels the interpreter takes measurable time over.
        Assert.All(Enumerable.Range(0, seconds.Length).Where(s => plan.StepLayers[s] >= 0), s => Assert.True(seconds[s] > 0, plan.StepNames[s]));
        Assert.Equal(plan.StepLayers.Count(l => l >= 0), plan.Layers.Count);
        Assert.Equal(plan.StepNames.ToList().IndexOf("controller"), plan.ControllerStepIndex);
    }

    /// <summary>
    /// Ungated convs and the controller count exactly the CPU plan's MACs; a gated conv what its gate kept, as the CPU
    /// plan's gate (METHOD.md's masked MACs, R(x)), executed by the masked kernel, which skips only all-zero tiles, so
    /// its count lies between the masked and the dense MACs (as <see cref="PlanComparison"/> checks for single runs).
    /// </summary>
    [Fact]
    public void ProfileRowsCountTheMacsOfTheCpuPlanOnTheSameClips()
    {
        var profile = fixture.Profile;
        Assert.Equal("gpu", profile.Dense.Device);
        using var cpu = InferencePlan.Compile(fixture.Model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, fixture.Controller, ProfileFixture.Scale);
        var logits = new float[cpu.Classes];
        var runs = profile.Gated!;
        Assert.Equal(cpu.StepNames, runs.StepNames);
        Assert.Equal(cpu.StepLayers, runs.StepLayers);
        var macs = new double[cpu.Layers.Count];
        for (int r = 0; r < runs.Count; r++)
        {
            cpu.Run(fixture.Clips.AsSpan(r % ProfileFixture.ClipCount * cpu.ClipLength, cpu.ClipLength), logits);
            for (int l = 0; l < macs.Length; l++)
            {
                var layer = cpu.Layers[l];
                long executed = runs.Work(r)[l].Macs;
                macs[l] += executed;
                if (layer.Gate < 0)
                {
                    Assert.Equal(cpu.Counters.LayerWork[l].Macs, executed);
                    continue;
                }
                var gate = runs.Gates(r)[layer.Gate];
                Assert.Equal(cpu.Counters.Gates[layer.Gate].MaskedMacs, gate.MaskedMacs);
                Assert.InRange(executed, gate.MaskedMacs, layer.DenseExecutedMacs);
            }
            Assert.Equal(cpu.Counters.MaskedMacRatio, runs.MaskedMacRatio(r), 12);
        }
        var rows = ProfileSummary.Rows(runs, profile.Dense, ProfileFixture.Roofs);
        Assert.Contains(rows, r => r.Step == "controller" && r.Macs == cpu.Counters.ControllerMacs && r.Macs > 0);
        foreach (var row in rows.Where(r => r.Layer >= 0))
        {
            Assert.Equal(macs[row.Layer] / runs.Count, row.Macs, 6);
            if (cpu.Layers[row.Layer].Gate >= 0) Assert.True(row.MaskMilliseconds > 0 && row.KernelMilliseconds < row.Milliseconds, row.Step);
        }
        foreach (var row in ProfileSummary.Rows(profile.Dense, null, ProfileFixture.Roofs).Where(r => r.Layer >= 0))
            Assert.Equal(cpu.Layers[row.Layer].DenseExecutedMacs, row.Macs);
    }
}
