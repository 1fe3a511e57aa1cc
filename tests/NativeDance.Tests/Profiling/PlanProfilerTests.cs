using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Profiling;
using NativeDance.Tests.Data;

namespace NativeDance.Tests.Profiling;

public class PlanProfilerTests(ProfileFixture fixture) : IClassFixture<ProfileFixture>
{
    private static readonly int[] Labels = [0, 1, 2];

    [Fact]
    public void BudgetCalibrationPicksTheScaleWhoseMeanMacRatioOnTheClipsIsClosest()
    {
        var (chosen, points) = PlanProfiler.CalibrateBudget(fixture.Compile, fixture.Controller, 0.5, fixture.Clips, Labels);
        Assert.Equal(points.Min(p => Math.Abs(p.MacRatio - 0.5)), Math.Abs(chosen.MacRatio - 0.5));
        // The point's ratio is the mean R(x) of a plan compiled at its scale.
        using var profiled = fixture.Compile(fixture.Controller, chosen.Scale);
        var plan = profiled.Plan;
        var logits = new float[plan.Classes];
        double ratio = 0;
        for (int i = 0; i < ProfileFixture.ClipCount; i++)
        {
            plan.Run(fixture.Clips.AsSpan(i * plan.ClipLength, plan.ClipLength), logits);
            ratio += plan.Counters.MaskedMacRatio;
        }
        Assert.Equal(ratio / ProfileFixture.ClipCount, chosen.MacRatio, 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.2)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void BudgetsOutsideTheUnitIntervalAreRejected(double budget)
    {
        var e = Assert.Throws<ArgumentException>(() => PlanProfiler.CalibrateBudget(fixture.Compile, fixture.Controller, budget, fixture.Clips, Labels));
        Assert.Contains($"got {budget}", e.Message);
    }

    [Fact]
    public void AControllerForAnotherModelIsRejected()
    {
        int gates = ((IGatedNetwork)fixture.Model).Gates.Count;
        var other = new AapController(fixture.Controller.Features, gates + 2);
        var e = Assert.Throws<ArgumentException>(() => fixture.Compile(other, 1f));
        Assert.Contains($"{gates + 2} gates", e.Message);
    }

    [Fact]
    public void AControllerCheckpointForAnotherArchitectureOrAMissingOneIsRejected()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "controller.safetensors");
        ControllerCheckpoint.Save(fixture.Controller, path, "tiny-c3d", 1f);
        var e = Assert.Throws<ArgumentException>(() => ControllerCheckpoint.Load(path, "c3d", (IGatedNetwork)fixture.Model));
        Assert.Contains("tiny-c3d", e.Message);
        string missing = Path.Combine(folder.Path, "missing.safetensors");
        var notFound = Assert.Throws<FileNotFoundException>(() => ControllerCheckpoint.Load(missing, "tiny-c3d", (IGatedNetwork)fixture.Model));
        Assert.Contains(missing, notFound.Message);
    }

    [Fact]
    public void PlansThatDoNotFitTogetherOrClipsThatDoNotDivideAreRejected()
    {
        using var dense = fixture.Compile(null, 1f);
        using var gated = fixture.Compile(fixture.Controller, 1f);
        var settings = new ProfileSettings { Repeats = 1, WarmupRuns = 0, MinWarmupSeconds = 0 };
        Assert.Throws<ArgumentException>(() => PlanProfiler.Profile(gated, null, fixture.Clips, settings));
        Assert.Throws<ArgumentException>(() => PlanProfiler.Profile(dense, dense, fixture.Clips, settings));
        var e = Assert.Throws<ArgumentException>(() => PlanProfiler.Profile(dense, gated, fixture.Clips.AsSpan(1), settings));
        Assert.Contains($"{fixture.Clips.Length - 1} values", e.Message);
        Assert.Throws<ArgumentException>(() => PlanProfiler.Profile(dense, gated, fixture.Clips, settings with { Repeats = 0 }));
    }

    [Fact]
    public void AProfiledPlanTimesItsPlanAndNeedsAPlanAndADevice()
    {
        using var profiled = fixture.Compile(null, 1f);
        Assert.True(profiled.Plan.CollectTimings);
        Assert.Equal("cpu", profiled.Device);
        Assert.Throws<ArgumentNullException>(() => new ProfiledPlan(null!, "cpu"));
        Assert.Throws<ArgumentException>(() => new ProfiledPlan(profiled.Plan, " "));
    }

    [Fact]
    public void ADenseOnlyProfileHasNoGatedRuns()
    {
        using var dense = fixture.Compile(null, 1f);
        var profile = PlanProfiler.Profile(dense, null, fixture.Clips, new ProfileSettings { Repeats = 1, WarmupRuns = 0, MinWarmupSeconds = 0 });
        Assert.Null(profile.Gated);
        Assert.Equal(ProfileFixture.ClipCount, profile.Dense.Count);
        Assert.Equal(-1, profile.Dense.ControllerStep);
        Assert.Single(profile.Plans);
    }
}
