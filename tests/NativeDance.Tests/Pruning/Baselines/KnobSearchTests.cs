using NativeDance.Pruning.Baselines;

namespace NativeDance.Tests.Pruning.Baselines;

public class KnobSearchTests
{
    [Theory]
    [InlineData(0.35)]
    [InlineData(0.4)]
    [InlineData(0.62)]
    public void ASmoothRatioIsHitWithinTheTolerance(double target)
    {
        // Quadratic in the kept fraction, like channel pruning of both a conv's inputs and outputs, plus a fixed part.
        var (best, points) = KnobSearch.Find(k => 0.08 + 0.9 * k * k, target, 0.01, 1, tolerance: 0.005, maxEvaluations: 8);
        Assert.InRange(best.MacRatio, target - 0.005, target + 0.005);
        Assert.True(points.Count <= 8);
        Assert.Equal(0.08 + 0.9 * best.Knob * best.Knob, best.MacRatio, 12);
    }

    [Fact]
    public void AStepFunctionGivesTheNearestReachableStep()
    {
        // Whole frames of 8: the ratio moves in steps of 1/8; 0.44 lies between 3/8 and 4/8.
        int evaluations = 0;
        var (best, _) = KnobSearch.Find(k =>
        {
            evaluations++;
            return Math.Max(1, Math.Round(k * 8)) / 8;
        }, 0.44, 0.05, 1, tolerance: 0.001, maxEvaluations: 12);
        Assert.Equal(0.5, best.MacRatio);
        Assert.True(evaluations <= 12);
    }

    [Fact]
    public void TargetsOutsideTheReachableRangeGiveTheNearestEnd()
    {
        Assert.Equal(1.0, KnobSearch.Find(k => 0.2 + 0.5 * k, 0.9, 0, 1).Best.Knob);
        Assert.Equal(0.0, KnobSearch.Find(k => 0.2 + 0.5 * k, 0.1, 0, 1).Best.Knob);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.3)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void TargetsOutsideTheUnitIntervalAreRefused(double target)
    {
        var e = Assert.Throws<ArgumentException>(() => KnobSearch.Find(k => k, target, 0, 1));
        Assert.Contains(target.ToString(System.Globalization.CultureInfo.CurrentCulture), e.Message);
        Assert.Throws<ArgumentException>(() => KnobSearch.Find(k => k, 0.5, 1, 1));
    }
}
