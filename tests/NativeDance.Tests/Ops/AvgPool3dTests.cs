using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class AvgPool3dTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForwardMatchesReferenceOnEveryAxisConfiguration(bool countIncludePad)
    {
        ulong seed = 400;
        foreach (var g in PoolCases.All(dilation: false, seed: 4))
        {
            var x = OpsTestData.Normal(g.InputLength, seed++);
            var y = new GuardedBuffer(g.OutputLength);
            AvgPool3d.Forward(g, x, y.Span, countIncludePad);
            y.AssertGuardIntact(g.ToString());
            Numerics.AssertClose(y.Span, Pool3dReference.Avg(g, OpsTestData.ToDouble(x), countIncludePad), 1e-12, $"{g} countIncludePad={countIncludePad}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BackwardMatchesReferenceOnEveryAxisConfiguration(bool countIncludePad)
    {
        ulong seed = 500;
        foreach (var g in PoolCases.All(dilation: false, seed: 5))
        {
            var dy = OpsTestData.Normal(g.OutputLength, seed++);
            var dx = new GuardedBuffer(g.InputLength);
            AvgPool3d.Backward(g, dy, dx.Span, countIncludePad);
            dx.AssertGuardIntact(g.ToString());
            Numerics.AssertClose(dx.Span, Pool3dReference.AvgBackward(g, dy, countIncludePad), 1e-12, $"{g} countIncludePad={countIncludePad}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BackwardMatchesFiniteDifferences(bool countIncludePad)
    {
        ulong seed = 600;
        foreach (var g in PoolCases.All(dilation: false, seed: 6, maxBatch: 1, maxExtra: 1).Where((_, i) => i % 3 == 0))
        {
            var x = OpsTestData.Normal(g.InputLength, seed++);
            var coefficients = OpsTestData.Normal(g.OutputLength, seed++);
            var dx = new float[g.InputLength];
            AvgPool3d.Backward(g, coefficients, dx, countIncludePad);
            OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(Pool3dReference.Avg(g, v, countIncludePad), coefficients), x, dx,
                $"{g} countIncludePad={countIncludePad}");
        }
    }

    [Fact]
    public void PaddingCountsTowardTheDivisorOnlyWhenAsked()
    {
        // One frame of 2 x 2 ones, kernel 3 x 3 with padding 1, stride 2: the single window covers all 4 inputs and 5 padding taps.
        var g = Pool3dGeometry.Create(1, 1, new Dims3(1, 2, 2), new Dims3(1, 3, 3), stride: new Dims3(1, 2, 2), padding: new Dims3(0, 1, 1));
        float[] x = [1, 1, 1, 1];
        var y = new float[1];
        AvgPool3d.Forward(g, x, y);
        Assert.Equal(4f / 9f, y[0], 6);
        AvgPool3d.Forward(g, x, y, countIncludePad: false);
        Assert.Equal(1f, y[0], 6);
    }

    [Fact]
    public void BadInputIsRejectedWithTheOffendingValues()
    {
        var dilated = Pool3dGeometry.Create(1, 2, Dims3.Cube(5), Dims3.Cube(2), dilation: new Dims3(1, 2, 1));
        var ex = Assert.Throws<ArgumentException>(() => AvgPool3d.Forward(dilated, new float[dilated.InputLength], new float[dilated.OutputLength]));
        Assert.Contains("(1, 2, 1)", ex.Message);
        var g = Pool3dGeometry.Create(1, 2, Dims3.Cube(5), Dims3.Cube(2));
        ex = Assert.Throws<ArgumentException>(() => AvgPool3d.Forward(g, new float[g.InputLength], new float[g.OutputLength + 2]));
        Assert.Contains($"output has {g.OutputLength + 2} elements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => AvgPool3d.Backward(g, new float[1], new float[g.InputLength]));
        Assert.Contains("outputGrad has 1 elements", ex.Message);
    }
}
