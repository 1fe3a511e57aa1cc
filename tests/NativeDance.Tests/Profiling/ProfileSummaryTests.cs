using NativeDance.Pruning.Inference;
using NativeDance.Pruning.Profiling;
using NativeDance.Tests.Inference;

namespace NativeDance.Tests.Profiling;

public class ProfileSummaryTests(ProfileFixture fixture) : IClassFixture<ProfileFixture>
{
    private readonly ModelProfile _profile = fixture.Profile;

    [Fact]
    public void EveryClipRanOnBothPlansInEveryRepeat()
    {
        Assert.Equal(ProfileFixture.ClipCount * ProfileFixture.Repeats, _profile.Dense.Count);
        Assert.Equal(_profile.Dense.Count, _profile.Gated!.Count);
        for (int r = 0; r < _profile.Dense.Count; r++)
        {
            // Interleaved: the gated run of a clip starts after the dense run of the same clip ends.
            Assert.True(_profile.Gated.StartMicroseconds(r) >= _profile.Dense.StartMicroseconds(r) + _profile.Dense.ClipSeconds(r) * 1e6 - 1e-6);
            Assert.True(_profile.Dense.ClipSeconds(r) >= Sum(_profile.Dense.StepSeconds(r)));
        }
    }

    [Fact]
    public void DenseRowsCountTheAnalyticMacsOfEveryConv()
    {
        var rows = ProfileSummary.Rows(_profile.Dense, null, ProfileFixture.Roofs);
        Assert.Equal(_profile.Dense.StepNames, rows.Select(r => r.Step));
        foreach (var row in rows.Where(r => r.Layer >= 0))
        {
            var layer = _profile.Dense.Layers[row.Layer];
            Assert.Equal(layer.DenseExecutedMacs, row.Macs);
            Assert.Equal(Tensors.Conv.GatedConvCost.DenseCompacted(layer.Geometry, null).TotalBytes, row.Bytes);
            Assert.Equal(row.Milliseconds, row.KernelMilliseconds);
            Assert.True(double.IsNaN(row.FrameKeep) && row.Kernel is null && double.IsNaN(row.Speedup));
        }
        Assert.All(rows.Where(r => r.Layer < 0), r => Assert.True(double.IsNaN(r.Macs) && double.IsNaN(r.Gflops)));
        var totals = ProfileSummary.Totals(_profile.Dense, ProfileFixture.Roofs);
        Assert.Equal(_profile.Dense.Layers.Sum(l => l.DenseExecutedMacs), totals.Macs);
        Assert.Equal(1.0, totals.MaskedMacRatio);
    }

    [Fact]
    public void GatedRowsCountWhatAFreshPlanCountsOnTheSameClips()
    {
        var runs = _profile.Gated!;
        var rows = ProfileSummary.Rows(runs, _profile.Dense, ProfileFixture.Roofs);
        using var plan = InferencePlan.Compile(fixture.Model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, fixture.Controller, ProfileFixture.Scale);
        var logits = new float[plan.Classes];
        var macs = new double[plan.Layers.Count];
        var keeps = new double[plan.Layers.Count];
        for (int r = 0; r < runs.Count; r++)
        {
            plan.Run(fixture.Clips.AsSpan(r % ProfileFixture.ClipCount * plan.ClipLength, plan.ClipLength), logits);
            for (int l = 0; l < macs.Length; l++)
            {
                Assert.Equal(plan.Counters.LayerWork[l], runs.Work(r)[l]);
                macs[l] += plan.Counters.LayerWork[l].Macs;
                if (plan.Layers[l].Gate >= 0) keeps[l] += plan.Counters.Gates[plan.Layers[l].Gate].FeatureKeep;
            }
            Assert.Equal(plan.Counters.MaskedMacRatio, runs.MaskedMacRatio(r));
        }
        Assert.Contains(rows, r => r.Step == "controller" && r.Macs == plan.Counters.ControllerMacs && r.Macs > 0);
        foreach (var row in rows.Where(r => r.Layer >= 0))
        {
            Assert.Equal(macs[row.Layer] / runs.Count, row.Macs, 6);
            Assert.False(double.IsNaN(row.DenseMilliseconds));
            if (plan.Layers[row.Layer].Gate < 0) continue;
            Assert.Equal(keeps[row.Layer] / runs.Count, row.FeatureKeep, 12);
            Assert.InRange(row.FrameKeep, 0, 1);
            Assert.InRange(row.ChannelKeep, 0, 1);
            Assert.NotNull(row.Kernel);
            Assert.True(row.MaskMilliseconds >= 0 && row.KernelMilliseconds <= row.Milliseconds);
        }
        Assert.Contains(rows, r => r.Layer >= 0 && plan.Layers[r.Layer].Gate >= 0);
    }

    [Fact]
    public void RatesAreTheWorkOverTheComputeTimeAndPercentOfTheRoofs()
    {
        foreach (var runs in _profile.Plans)
        foreach (var row in ProfileSummary.Rows(runs, null, ProfileFixture.Roofs).Where(r => !double.IsNaN(r.Macs)))
        {
            Assert.Equal(2 * row.Macs / (row.KernelMilliseconds * 1e-3) / 1e9, row.Gflops, 9);
            Assert.Equal(100 * row.Gflops / ProfileFixture.Roofs.Gflops, row.PeakPercent, 9);
            if (double.IsNaN(row.Bytes)) continue;
            Assert.Equal(row.Bytes / (row.KernelMilliseconds * 1e-3) / 1e9, row.GBs, 9);
            Assert.Equal(100 * row.GBs / ProfileFixture.Roofs.GBs, row.BandwidthPercent, 9);
        }
        var totals = ProfileSummary.Totals(_profile.Gated!, ProfileFixture.Roofs);
        Assert.Equal(2 * totals.Macs / (totals.Milliseconds * 1e-3) / 1e9, totals.Gflops, 9);
        Assert.True(totals.MinMilliseconds <= totals.Milliseconds && totals.StepMilliseconds > 0);
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum;
    }
}
