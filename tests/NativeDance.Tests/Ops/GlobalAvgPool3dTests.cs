using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class GlobalAvgPool3dTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 3 * 5 * 7, 3)]
    [InlineData(3, 5 * 3 * 9, 19)]
    [InlineData(2, 2 * 4 * 4, 64)]
    [InlineData(1, 1700, 33)]
    public void ForwardMatchesReference(int batch, int positions, int channels)
    {
        var x = OpsTestData.Normal(batch * positions * channels, (ulong)(positions + channels), mean: 0.5f);
        var y = new GuardedBuffer(batch * channels);
        GlobalAvgPool3d.Forward(x, y.Span, batch, channels);
        y.AssertGuardIntact($"N={batch} positions={positions} C={channels}");
        Numerics.AssertClose(y.Span, Reference(x, batch, positions, channels), 1e-13, $"N={batch} positions={positions} C={channels}");
    }

    [Fact]
    public void MeanStaysAccurateOverManyPositionsWithALargeOffset()
    {
        // 300k positions around 1000: a plain float running sum would lose about three decimal digits here.
        const int batch = 2, positions = 150_000, channels = 11;
        var x = OpsTestData.Normal(batch * positions * channels, 42, mean: 1000f, std: 1f);
        var y = new float[batch * channels];
        GlobalAvgPool3d.Forward(x, y, batch, channels);
        var expected = Reference(x, batch, positions, channels);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-4, $"mean {i}: {y[i]} vs {expected[i]}");
    }

    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        const int batch = 2, positions = 3 * 2 * 5, channels = 7;
        var x = OpsTestData.Normal(batch * positions * channels, 1);
        var coefficients = OpsTestData.Normal(batch * channels, 2);
        var dx = new GuardedBuffer(x.Length);
        GlobalAvgPool3d.Backward(coefficients, dx.Span, batch, channels);
        dx.AssertGuardIntact("global pool backward");
        OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(Reference(v, batch, positions, channels), coefficients), x, dx.Span, "global pool backward");
    }

    [Fact]
    public void BackwardSpreadsEvenlyOverLargeInputs()
    {
        const int batch = 3, positions = 20_000, channels = 5;
        var dy = OpsTestData.Normal(batch * channels, 3);
        var dx = new GuardedBuffer(batch * positions * channels);
        GlobalAvgPool3d.Backward(dy, dx.Span, batch, channels);
        dx.AssertGuardIntact("global pool backward");
        var expected = new double[dx.Length];
        for (int i = 0; i < expected.Length; i++) expected[i] = dy[i / (positions * channels) * channels + i % channels] / (double)positions;
        Numerics.AssertClose(dx.Span, expected, 1e-13, "global pool backward");
    }

    [Fact]
    public void BadInputIsRejectedWithTheOffendingValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => GlobalAvgPool3d.Forward(new float[25], new float[6], 2, 3));
        Assert.Contains("input has 25 elements, not a positive multiple of batch * channels 6", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => GlobalAvgPool3d.Forward(new float[24], new float[5], 2, 3));
        Assert.Contains("output has 5 elements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => GlobalAvgPool3d.Backward(new float[6], new float[24], 2, 0));
        Assert.Contains("channels must be positive, got 0", ex.Message);
    }

    private static double[] Reference(ReadOnlySpan<float> x, int batch, int positions, int channels) =>
        Reference(OpsTestData.ToDouble(x), batch, positions, channels);

    private static double[] Reference(double[] x, int batch, int positions, int channels)
    {
        var y = new double[batch * channels];
        for (int n = 0; n < batch; n++)
        for (int p = 0; p < positions; p++)
        for (int c = 0; c < channels; c++)
            y[n * channels + c] += x[(n * positions + p) * channels + c] / positions;
        return y;
    }
}
