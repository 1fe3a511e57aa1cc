using NativeDance.Pruning.Reports;

namespace NativeDance.Tests.Reports;

public class NiceTicksTests
{
    [Theory]
    [InlineData(0, 1, 0, 1, 0.2)]
    [InlineData(0.13, 0.87, 0, 1, 0.2)]
    [InlineData(-3.7, 12.2, -5, 15, 5)]
    [InlineData(1e8, 3.5e8, 1e8, 3.5e8, 5e7)]
    [InlineData(0.0012, 0.0049, 0.001, 0.005, 0.001)]
    public void LinearTicksUseNiceStepsAndBounds(double min, double max, double lo, double hi, double step)
    {
        var t = NiceTicks.Linear(min, max, maxTicks: 6);
        Assert.Equal(lo, t.Lo, 12);
        Assert.Equal(hi, t.Hi, 12);
        Assert.Equal(step, t.Step, 15);
        Assert.Equal(Math.Round((hi - lo) / step) + 1, t.Ticks.Length);
    }

    [Fact]
    public void LinearTicksOnRandomRangesAreOneTwoFiveStepsCoveringTheData()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 500; trial++)
        {
            double scale = Math.Pow(10, rng.Next(-6, 10));
            double a = (rng.NextDouble() * 2 - 1) * scale, b = a + rng.NextDouble() * scale;
            int maxTicks = rng.Next(2, 11);
            var t = NiceTicks.Linear(a, b, maxTicks);

            double mantissa = t.Step / Math.Pow(10, Math.Floor(Math.Log10(t.Step) + 1e-9));
            Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0 });
            Assert.True(t.Lo <= a + 1e-12 * scale && t.Hi >= b - 1e-12 * scale, $"[{t.Lo}, {t.Hi}] must cover [{a}, {b}]");
            Assert.InRange(t.Ticks.Length - 1, 1, maxTicks + 1);
            for (int i = 1; i < t.Ticks.Length; i++)
                Assert.Equal(t.Step, t.Ticks[i] - t.Ticks[i - 1], t.Step * 1e-9);
        }
    }

    [Fact]
    public void IdenticalMinAndMaxAreWidened()
    {
        var t = NiceTicks.Linear(5, 5);
        Assert.True(t.Lo < 5 && t.Hi > 5);
        var z = NiceTicks.Linear(0, 0);
        Assert.True(z.Lo < 0 && z.Hi > 0);
        var l = NiceTicks.Log(3, 3);
        Assert.True(l.Lo < 3 && l.Hi > 3);
    }

    [Fact]
    public void LogTicksSitOnDecadesAndOneTwoFiveMultiples()
    {
        Assert.Equal([1, 10, 100, 1000], NiceTicks.Log(1, 1000, maxTicks: 6).Ticks);
        var narrow = NiceTicks.Log(3, 70, maxTicks: 8);
        Assert.Equal((2, 100), (narrow.Lo, narrow.Hi));
        Assert.Equal([2, 5, 10, 20, 50, 100], narrow.Ticks);
        var wide = NiceTicks.Log(1e-3, 1e9, maxTicks: 6);
        Assert.Equal([1e-3, 1e-1, 10, 1e3, 1e5, 1e7, 1e9], wide.Ticks);
        Assert.Throws<ArgumentException>(() => NiceTicks.Log(0, 1));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(double.NaN, 1));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(2, 1));
    }

    [Fact]
    public void LabelsAreShortAndShareDecimals()
    {
        Assert.Equal(["0.00", "0.05", "0.10"], NiceTicks.FormatLinear([0, 0.05, 0.1], 0.05));
        Assert.Equal(["100M", "150M", "200M"], NiceTicks.FormatLinear([1e8, 1.5e8, 2e8], 5e7));
        Assert.Equal(["0", "5k", "10k", "15k"], NiceTicks.FormatLinear([0, 5000, 10000, 15000], 5000));
        Assert.Equal(["-5", "0", "5"], NiceTicks.FormatLinear([-5, 0, 5], 5));
        Assert.Equal(["1e-9", "1.5e-9", "2e-9"], NiceTicks.FormatLinear([1e-9, 1.5e-9, 2e-9], 5e-10));
        Assert.Equal("2M", NiceTicks.FormatValue(2e6));
        Assert.Equal("1e-4", NiceTicks.FormatValue(1e-4));
        Assert.Equal("0.5", NiceTicks.FormatValue(0.5));
        Assert.Equal("1000", NiceTicks.FormatValue(1000));
    }
}
