using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class MaxPool3dTests
{
    [Fact]
    public void ForwardEqualsReferenceOnEveryAxisConfiguration()
    {
        ulong seed = 100;
        foreach (var g in PoolCases.All(dilation: true, seed: 1))
        {
            var x = OpsTestData.Normal(g.InputLength, seed++);
            var (expected, expectedIndex) = Pool3dReference.Max(g, OpsTestData.ToDouble(x));
            var y = new GuardedBuffer(g.OutputLength);
            var index = new GuardedIndexBuffer(g.OutputLength);
            MaxPool3d.Forward(g, x, y.Span, index.Span);
            y.AssertGuardIntact(g.ToString());
            index.AssertGuardIntact(g.ToString());
            AssertExactly(y.Span, expected, g.ToString());
            Assert.Equal(expectedIndex, index.Span.ToArray());

            var valuesOnly = new GuardedBuffer(g.OutputLength);
            MaxPool3d.Forward(g, x, valuesOnly.Span);
            valuesOnly.AssertGuardIntact(g + " without indices");
            AssertExactly(valuesOnly.Span, expected, g + " without indices");
        }
    }

    [Fact]
    public void BackwardEqualsReferenceScatterOnEveryAxisConfiguration()
    {
        ulong seed = 200;
        foreach (var g in PoolCases.All(dilation: true, seed: 2))
        {
            var x = OpsTestData.Normal(g.InputLength, seed++);
            var dy = OpsTestData.Normal(g.OutputLength, seed++);
            var index = new int[g.OutputLength];
            MaxPool3d.Forward(g, x, new float[g.OutputLength], index);
            var dx = new GuardedBuffer(g.InputLength);
            MaxPool3d.Backward(g, dy, index, dx.Span);
            dx.AssertGuardIntact(g.ToString());
            Numerics.AssertClose(dx.Span, Pool3dReference.MaxBackward(g, index, dy), 1e-12, g.ToString());
        }
    }

    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        ulong seed = 300;
        foreach (var g in PoolCases.All(dilation: true, seed: 3, maxBatch: 1, maxExtra: 1).Where((_, i) => i % 3 == 0))
        {
            var x = OpsTestData.Distinct(g.InputLength, seed++);
            var coefficients = OpsTestData.Normal(g.OutputLength, seed++);
            var index = new int[g.OutputLength];
            MaxPool3d.Forward(g, x, new float[g.OutputLength], index);
            var dx = new float[g.InputLength];
            MaxPool3d.Backward(g, coefficients, index, dx);
            OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(Pool3dReference.Max(g, v).Values, coefficients), x, dx, g.ToString());
        }
    }

    [Fact]
    public void TiesGoToTheFirstMaximumInScanOrder()
    {
        var g = Pool3dGeometry.Create(1, 19, new Dims3(4, 5, 5), Dims3.Cube(3), stride: Dims3.Cube(1), padding: Dims3.Cube(1));
        var x = new float[g.InputLength];
        x.AsSpan().Fill(2f);
        var index = new int[g.OutputLength];
        MaxPool3d.Forward(g, x, new float[g.OutputLength], index);
        var (_, expected) = Pool3dReference.Max(g, OpsTestData.ToDouble(x));
        Assert.Equal(expected, index);
        // Output (0, 0, 0) sees taps from (0, 0, 0); output (1, 1, 1) from (0, 0, 0) as well: the window's first tap.
        Assert.Equal(0, index[0]);
        Assert.Equal(0, index[(((1 * 5) + 1) * 5 + 1) * 19]);
    }

    [Fact]
    public void NaNPropagatesAndWins()
    {
        var g = Pool3dGeometry.Create(1, 9, new Dims3(3, 3, 3), Dims3.Cube(2), stride: Dims3.Cube(1));
        var x = OpsTestData.Normal(g.InputLength, 7);
        x[(13 * 9) + 4] = float.NaN; // centre position, channel 4: inside every window
        var y = new float[g.OutputLength];
        var index = new int[g.OutputLength];
        MaxPool3d.Forward(g, x, y, index);
        for (int o = 0; o < 8; o++)
        {
            Assert.True(float.IsNaN(y[o * 9 + 4]));
            Assert.Equal(13, index[o * 9 + 4]);
            Assert.False(float.IsNaN(y[o * 9 + 3]));
        }
        var valuesOnly = new float[g.OutputLength];
        MaxPool3d.Forward(g, x, valuesOnly);
        Assert.True(float.IsNaN(valuesOnly[4]));
    }

    [Fact]
    public void WindowWhollyInPaddingGivesNegativeInfinityAndNoGradient()
    {
        // Along W: size 3, kernel 2, padding 1, dilation 4: the first window's taps are -1 and 3, both outside.
        var g = Pool3dGeometry.Create(1, 2, new Dims3(1, 1, 3), new Dims3(1, 1, 2), stride: Dims3.Cube(1), padding: new Dims3(0, 0, 1), dilation: new Dims3(1, 1, 4));
        Assert.Equal(1, g.Output.W);
        var y = new float[g.OutputLength];
        var index = new int[g.OutputLength];
        MaxPool3d.Forward(g, [1, 2, 3, 4, 5, 6], y, index);
        Assert.Equal([float.NegativeInfinity, float.NegativeInfinity], y);
        Assert.Equal([-1, -1], index);
        var dx = new float[g.InputLength];
        dx.AsSpan().Fill(float.NaN);
        MaxPool3d.Backward(g, [1, 1], index, dx);
        Assert.All(dx, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void BadInputIsRejectedWithTheOffendingValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => Pool3dGeometry.Create(1, 4, new Dims3(2, 5, 5), Dims3.Cube(3)));
        Assert.Contains("spans 3 along T", ex.Message);
        Assert.Contains("2 + 2*0 = 2", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Pool3dGeometry.Create(1, 4, Dims3.Cube(5), Dims3.Cube(3), padding: new Dims3(0, -1, 0)));
        Assert.Contains("(0, -1, 0)", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Pool3dGeometry.Create(1, 4, Dims3.Cube(5), Dims3.Cube(3), padding: new Dims3(0, 2, 0)));
        Assert.Contains("at most half the kernel (3, 3, 3)", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Pool3dGeometry.Create(1, 4, Dims3.Cube(5), Dims3.Cube(2), stride: new Dims3(1, 0, 1)));
        Assert.Contains("stride must be positive along every axis, got (1, 0, 1)", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Pool3dGeometry.Create(0, 4, Dims3.Cube(5), Dims3.Cube(2)));
        Assert.Contains("batch must be positive, got 0", ex.Message);

        var g = Pool3dGeometry.Create(2, 3, Dims3.Cube(4), Dims3.Cube(2));
        ex = Assert.Throws<ArgumentException>(() => MaxPool3d.Forward(g, new float[g.InputLength - 1], new float[g.OutputLength]));
        Assert.Contains($"input has {g.InputLength - 1} elements", ex.Message);
        Assert.Contains($"needs {g.InputLength}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => MaxPool3d.Forward(g, new float[g.InputLength], new float[g.OutputLength], new int[3]));
        Assert.Contains("argmax has 3 elements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => MaxPool3d.Backward(g, new float[g.OutputLength], new int[g.OutputLength], new float[5]));
        Assert.Contains("inputGrad has 5 elements", ex.Message);
    }

    /// <summary>A max selects one of its inputs, so the result must equal the reference bit for bit (-inf included).</summary>
    private static void AssertExactly(ReadOnlySpan<float> actual, double[] expected, string context)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (actual[i] != (float)expected[i])
                Assert.Fail($"{context}: element {i} is {actual[i]}, expected {expected[i]}.");
        }
    }
}
