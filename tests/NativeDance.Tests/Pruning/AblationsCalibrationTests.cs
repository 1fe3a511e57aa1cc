using NativeDance.Pruning.Dance;

namespace NativeDance.Tests.Pruning;

public class AblationsCalibrationTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(0.6)]
    [InlineData(0.9)]
    [InlineData(0.05)]
    public void PicksTheEvaluatedScaleClosestToTheMacTarget(double target)
    {
        // The cost falls smoothly as the scale grows; the closest scale is 1/target - 1.
        var (chosen, points) = Calibration.ChooseMacRatio(s => (1 - 0.01 * s, 1.0 / (1 + s)), target);
        Assert.Equal(points.Min(p => Math.Abs(p.MacRatio - target)), Math.Abs(chosen.MacRatio - target));
        Assert.True(Math.Abs(chosen.MacRatio - target) <= 0.005, $"ratio {chosen.MacRatio} for target {target}");
        Assert.True(points.Count <= 10, $"{points.Count} evaluations");

        // A tighter tolerance keeps refining and gets closer.
        var (fine, finePoints) = Calibration.ChooseMacRatio(s => (1, 1.0 / (1 + s)), target, refinements: 30, tolerance: 1e-5);
        Assert.True(Math.Abs(fine.MacRatio - target) <= 1e-5, $"ratio {fine.MacRatio} for target {target}");
        Assert.True(finePoints.Count > points.Count);
    }

    [Fact]
    public void StepwiseCostsAndUnreachableTargetsStillEndAtTheClosestPoint()
    {
        // Piecewise-constant cost (as with few clips): the closest level wins, ties go to the more accurate scale.
        var (chosen, points) = Calibration.ChooseMacRatio(s => (s < 2 ? 0.9 : 0.8, s < 2 ? 0.7 : 0.4), 0.5);
        Assert.Equal(0.4, chosen.MacRatio);
        Assert.All(points, p => Assert.True(p.MacRatio is 0.7 or 0.4));

        // A cost that never reaches the target: the search stops at its range limit with the cheapest point.
        var (floor, floorPoints) = Calibration.ChooseMacRatio(s => (0.9, 0.8), 0.2);
        Assert.Equal(0.8, floor.MacRatio);
        Assert.True(floorPoints.Count < 20);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void RejectsTargetsOutsideTheUnitInterval(double target)
    {
        var e = Assert.Throws<ArgumentException>(() => Calibration.ChooseMacRatio(_ => (1, 1), target));
        Assert.Contains("(0, 1]", e.Message);
        Assert.Throws<ArgumentException>(() => Calibration.ChooseMacRatio(_ => (1, 1), 0.5, tolerance: -1));
    }
}
