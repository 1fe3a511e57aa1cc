using NativeDance.Pruning.Dance;

namespace NativeDance.Tests.Pruning;

public class CalibrationTests
{
    [Fact]
    public void ChoosesTheCheapestScaleWithinTheAccuracyTarget()
    {
        // Accuracy falls and cost falls as the scale grows.
        var (chosen, points) = Calibration.Choose(s => (0.95 - 0.02 * s, 1.0 / (1 + s)), denseAccuracy: 0.95, maxLoss: 0.025);
        Assert.Equal(Calibration.DefaultScales.Count, points.Count);
        Assert.Equal(1.15f, chosen.Scale);
        Assert.All(points.Where(p => p.MacRatio < chosen.MacRatio), p => Assert.True(p.Accuracy < 0.95 - 0.025));
    }

    [Fact]
    public void FallsBackToTheMostAccurateScaleAndRejectsBadArguments()
    {
        var (chosen, _) = Calibration.Choose(s => (0.5 + 0.1 * s, 0.3), denseAccuracy: 0.99, maxLoss: 0.001, [0.5f, 1f, 2f]);
        Assert.Equal(2f, chosen.Scale);
        Assert.Throws<ArgumentException>(() => Calibration.Choose(_ => (1, 1), 1, 0.1, []));
        Assert.Throws<ArgumentException>(() => Calibration.Choose(_ => (1, 1), 1, -0.1));
    }
}
