using NativeDance.Pruning.Dance;

namespace NativeDance.Tests.Pruning;

public class CalibrationTests
{
    [Fact]
    public void ChoosesTheCheapestScaleWithinTheAccuracyTarget()
    {
        // Accuracy falls and cost falls as the scale grows.
        var (chosen, points) = Calibration.Choose(s => (0.95 - 0.02 * s, 1.0 / (1 + s)), denseAccuracy: 0.95, maxLoss: 0.025, refinements: 0);
        Assert.Equal(Calibration.DefaultScales.Count, points.Count);
        Assert.Equal(1.15f, chosen.Scale);
        Assert.All(points.Where(p => p.MacRatio < chosen.MacRatio), p => Assert.True(p.Accuracy < 0.95 - 0.025));
    }

    [Fact]
    public void RefinesBetweenTheLastScaleThatMetTheTargetAndTheFirstThatMissed()
    {
        // Accuracy meets the target up to s = 1.2 exactly; the grid has 1.15 and 1.3.
        var (chosen, points) = Calibration.Choose(s => (s <= 1.2f ? 0.95 : 0.90, 1.0 / (1 + s)), denseAccuracy: 0.95, maxLoss: 0.01, refinements: 3);
        Assert.Equal(Calibration.DefaultScales.Count + 3, points.Count);
        Assert.Equal(points.OrderBy(p => p.Scale), points);
        // Midpoints of [1.15, 1.3]: 1.2227 (missed), 1.1858 (met), 1.2041 (missed).
        Assert.Equal(MathF.Sqrt(1.15f * MathF.Sqrt(1.15f * 1.3f)), chosen.Scale, 1e-5f);
        Assert.True(chosen.Scale > 1.15f && chosen.Scale <= 1.2f);
        Assert.True(chosen.MacRatio < 1.0 / 2.15);
    }

    [Fact]
    public void DoesNotRefineWhenTheLargestScaleMeetsTheTarget()
    {
        var (chosen, points) = Calibration.Choose(s => (0.95, 1.0 / (1 + s)), denseAccuracy: 0.95, maxLoss: 0.01);
        Assert.Equal(Calibration.DefaultScales.Count, points.Count);
        Assert.Equal(1.5f, chosen.Scale);
    }

    [Fact]
    public void FallsBackToTheMostAccurateScaleAndRejectsBadArguments()
    {
        var (chosen, _) = Calibration.Choose(s => (0.5 + 0.1 * s, 0.3), denseAccuracy: 0.99, maxLoss: 0.001, [0.5f, 1f, 2f]);
        Assert.Equal(2f, chosen.Scale);
        Assert.Throws<ArgumentException>(() => Calibration.Choose(_ => (1, 1), 1, 0.1, []));
        Assert.Throws<ArgumentException>(() => Calibration.Choose(_ => (1, 1), 1, -0.1));
        Assert.Throws<ArgumentException>(() => Calibration.Choose(_ => (1, 1), 1, 0.1, refinements: -1));
    }
}
